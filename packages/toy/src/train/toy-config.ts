/**
 * The toy model's shape and the training recipe, their defaults and their checks. The shape is gpt-oss's
 * architecture at toy size; the defaults were chosen by measurement on a 2-core machine (docs/toy-model.md): a
 * default run must finish in about 20 minutes and still learn Harmony's structure and copying.
 */
import { InputError } from "@overtone/errors";

export interface ToyShape {
  layers: number;
  /** Residual width n_embd; dimension 0 is the bias channel (vocab-design.ts). */
  embd: number;
  heads: number;
  kvHeads: number;
  /** Per-head size, also the RoPE dimension count. */
  headDim: number;
  /** Feed-forward width of the (single, dense) MLP, exported as every expert's. */
  ff: number;
  /** Window of the sliding-window layers (0, 2, 4, …), as llama.cpp: a query sees itself and window−1 earlier keys. */
  slidingWindow: number;
}

export interface ToyRecipe {
  /** Sequences per optimizer step. */
  batchSize: number;
  steps: number;
  learningRate: number;
  /** The cosine schedule ends at learningRate × this. */
  finalLearningRateRatio: number;
  warmupSteps: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  adamEpsilon: number;
  /** Global gradient-norm clip. */
  gradientClip: number;
  /** Training conversations generated from the seed. */
  trainExamples: number;
  /** Longest example kept (longer ones are dropped, and counted). */
  maxSequenceLength: number;
  /**
   * Loss weight of the token that decides whether a turn calls a tool (docs/toy-model.md: without it the model
   * calls tools the developer message does not list).
   */
  decisionWeight: number;
  /**
   * Every n-th training conversation is the data agent's job (corpus.ts CorpusMix); absent or 0: none, the shipped
   * model's corpus. Issue 15's retrain: 6, with maxSequenceLength 1024 for the agent's long prompt.
   */
  dataEvery?: number;
  /** Share of training tool declarations written as others write them (tool-restyle.ts); absent: none. */
  restyledShare?: number;
}

export interface ToyConfig {
  seed: number;
  shape: ToyShape;
  recipe: ToyRecipe;
}

export const TOY_SHAPE_DEFAULTS: Readonly<ToyShape> = Object.freeze({
  layers: 2,
  embd: 64,
  heads: 4,
  kvHeads: 4,
  headDim: 16,
  ff: 256,
  slidingWindow: 128,
});

export const TOY_RECIPE_DEFAULTS: Readonly<ToyRecipe> = Object.freeze({
  batchSize: 16,
  steps: 2400,
  learningRate: 1e-2,
  finalLearningRateRatio: 0.1,
  warmupSteps: 100,
  weightDecay: 0.01,
  beta1: 0.9,
  beta2: 0.99,
  adamEpsilon: 1e-8,
  gradientClip: 1,
  trainExamples: 20000,
  maxSequenceLength: 512,
  decisionWeight: 10,
});

/**
 * Issue 15's retrain (`overtone gguf train-toy --data-agent`): the data agent's job in one conversation in six and
 * 35 % of tool declarations restyled as others write them (corpus.ts DATA_AGENT_MIX), the agent's long prompt
 * within the sequence limit, and as many general conversations and steps per general conversation as the default.
 * Measured, not shipped yet: docs/toy-model.md.
 */
export const DATA_AGENT_RECIPE: Readonly<Partial<ToyRecipe>> = Object.freeze({
  dataEvery: 6,
  restyledShare: 0.35,
  maxSequenceLength: 1024,
  trainExamples: 24000,
  steps: 2900,
});

export interface ToyConfigInput {
  seed?: number;
  shape?: Partial<ToyShape>;
  recipe?: Partial<ToyRecipe>;
}

function fail(where: string, message: string, hint: string): never {
  throw new InputError(`${where}: ${message}`, { where, hint });
}

function checkInteger(where: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    fail(
      where,
      `${JSON.stringify(v)} is not an integer in ${min}..${max}`,
      `pass a whole number from ${min} to ${max}`,
    );
  }
}

function checkReal(where: string, v: number, min: number, max: number): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    fail(
      where,
      `${JSON.stringify(v)} is not a number in [${min}, ${max}]`,
      `pass a number from ${min} to ${max}`,
    );
  }
}

/** Defaults filled in and every value checked; throws InputError naming the option (`shape.heads`). */
export function resolveToyConfig(input: ToyConfigInput = {}): ToyConfig {
  const seed = input.seed ?? 1;
  checkInteger("seed", seed, 0, 0xffffffff);
  const shape: ToyShape = { ...TOY_SHAPE_DEFAULTS, ...definedOnly(input.shape) };
  const recipe: ToyRecipe = { ...TOY_RECIPE_DEFAULTS, ...definedOnly(input.recipe) };
  checkInteger("shape.layers", shape.layers, 1, 64);
  checkInteger("shape.embd", shape.embd, 2, 4096);
  checkInteger("shape.heads", shape.heads, 1, 256);
  checkInteger("shape.kvHeads", shape.kvHeads, 1, 256);
  checkInteger("shape.headDim", shape.headDim, 2, 256);
  checkInteger("shape.ff", shape.ff, 1, 65536);
  checkInteger("shape.slidingWindow", shape.slidingWindow, 1, 1 << 24);
  if (shape.heads % shape.kvHeads !== 0) {
    fail(
      "shape.kvHeads",
      `${shape.heads} heads cannot share ${shape.kvHeads} KV heads`,
      "use a divisor of heads",
    );
  }
  if (shape.headDim % 2 !== 0)
    fail("shape.headDim", `${shape.headDim} is odd`, "NEOX RoPE rotates pairs: use an even size");
  checkInteger("recipe.batchSize", recipe.batchSize, 1, 4096);
  checkInteger("recipe.steps", recipe.steps, 0, 10_000_000);
  checkInteger("recipe.warmupSteps", recipe.warmupSteps, 0, 10_000_000);
  checkInteger("recipe.trainExamples", recipe.trainExamples, 1, 10_000_000);
  checkInteger("recipe.maxSequenceLength", recipe.maxSequenceLength, 2, 1 << 16);
  checkInteger("recipe.decisionWeight", recipe.decisionWeight, 1, 255);
  if (recipe.dataEvery !== undefined) checkInteger("recipe.dataEvery", recipe.dataEvery, 0, 1_000_000);
  if (recipe.restyledShare !== undefined) checkReal("recipe.restyledShare", recipe.restyledShare, 0, 1);
  checkReal("recipe.learningRate", recipe.learningRate, 0, 1);
  checkReal("recipe.finalLearningRateRatio", recipe.finalLearningRateRatio, 0, 1);
  checkReal("recipe.weightDecay", recipe.weightDecay, 0, 1);
  checkReal("recipe.beta1", recipe.beta1, 0, 0.999999);
  checkReal("recipe.beta2", recipe.beta2, 0, 0.999999999);
  checkReal("recipe.adamEpsilon", recipe.adamEpsilon, 1e-30, 1);
  checkReal("recipe.gradientClip", recipe.gradientClip, 0, 1e9);
  return { seed, shape, recipe };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
