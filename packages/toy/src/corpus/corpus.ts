/**
 * The toy model's corpus: seeded examples (token ids + loss mask) for training, held-out cases (prompt +
 * expectations) for evaluation, and the token ids both use, to which the trainer restricts its softmax.
 * Train and held-out examples come from separate random streams and disjoint template fills (task.ts).
 */
import { InputError } from "@overtone/errors";
import type { Conversation } from "@overtone/harmony";
import { conversation, encodeOrdinary, FORMAT_TOKENS } from "@overtone/harmony";
import { hashName, SeededRandom } from "@overtone/makers";
import { assistantTurn, type Expected } from "./assistant-turn.js";
import { dataAgentPrompt, dataAgentSegments, drawDataAgentPlan } from "./data-agent-example.js";
import { drawPlan, promptMessages } from "./example-plan.js";
import { exampleTokens } from "./example-tokens.js";
import type { Category, Effort, Split } from "./task.js";
import { decisionIndex } from "./tool-reasoning.js";

export interface CorpusExample {
  tokens: Uint32Array;
  /** 1 on the tokens the model must generate, 0 on everything it is given. */
  lossMask: Uint8Array;
  /** Tokens before the first generated one: the prompt ends `<|start|>assistant`. */
  promptLength: number;
  effort: Effort;
  category: Category;
  /** The template fill; no fill is in both splits. */
  fill: string;
  /** "tool" when the turn calls a tool, else "answer". */
  expected: Expected;
  /** Token count of the turn's first analysis, the one whose length follows the effort. */
  analysisTokens: number;
  /** A tool question's deciding token (call or not; tool-reasoning.ts), −1 for other questions. */
  decisionIndex: number;
}

/** An example with the conversation behind its tokens, for checks and inspection (the corpus drops it). */
export interface DetailedExample extends CorpusExample {
  /** The whole conversation the tokens render (analysis kept). */
  conversation: Conversation;
  /** The generated runs: [start, end) of the tokens the model writes after each prompt. */
  runs: { start: number; end: number }[];
}

export interface HeldOutCase {
  /** The prompt, ready for `renderConversationForCompletion(…, "assistant")`. */
  conversation: Conversation;
  effort: Effort;
  category: Category;
  fill: string;
  expected: Expected;
}

function checkCount(count: number, where: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new InputError(`${where}: expected a whole number ≥ 0, found ${count}`, { where });
  }
}

/** The random stream of a split: the same seed gives unrelated train and held-out sequences. */
export function splitRandom(seed: number, split: Split): SeededRandom {
  return new SeededRandom(seed, hashName(`toy-corpus:${split}`));
}

/**
 * What a corpus mixes in besides the general mix: every `dataEvery`-th example is the data agent's job (0: none),
 * and `restyledShare` of the training split's tool declarations are written the way others write them
 * (tool-restyle.ts; 0: none). SHIPPED_MIX is what the shipped toy was trained on; DATA_AGENT_MIX is issue 15's
 * retrain, measured but not shipped yet (docs/toy-model.md, "The data agent and others' tool specs").
 */
export interface CorpusMix {
  dataEvery: number;
  restyledShare: number;
}

export const SHIPPED_MIX: Readonly<CorpusMix> = Object.freeze({ dataEvery: 0, restyledShare: 0 });
export const DATA_AGENT_MIX: Readonly<CorpusMix> = Object.freeze({ dataEvery: 6, restyledShare: 0.35 });

/** The random stream of a split's data-agent examples. */
export function dataSplitRandom(seed: number, split: Split): SeededRandom {
  return new SeededRandom(seed, hashName(`toy-corpus-data:${split}`));
}

/** One data-agent example (data-agent-example.ts) from `rng`, its table shape drawn from `split`. */
export function dataExample(
  rng: SeededRandom,
  split: Split,
  cover: Map<string, number> = new Map(),
): DetailedExample {
  const plan = drawDataAgentPlan(rng, split, cover);
  const prompt = dataAgentPrompt(plan);
  const segments = dataAgentSegments(plan);
  const { tokens, lossMask, runs } = exampleTokens(prompt, segments);
  const analysis = plan.question.analysis[plan.effort];
  return {
    tokens,
    lossMask,
    promptLength: runs[0]?.start ?? tokens.length,
    effort: plan.effort,
    category: "data",
    fill: plan.fill,
    expected: {
      kind: "tool",
      tool: "query",
      arguments: { sql: plan.question.sql },
      result: plan.question.result,
      resultMentions: plan.question.final,
    },
    analysisTokens: encodeOrdinary(analysis).length,
    decisionIndex: -1,
    conversation: conversation([...prompt, ...segments.flatMap((s) => s.messages)]),
    runs,
  };
}

/** The examples of a split in order: the general mix, with every `mix.dataEvery`-th a data-agent example. */
export function* corpusExamples(
  seed: number,
  split: Split,
  count: number,
  mix: Readonly<CorpusMix> = SHIPPED_MIX,
): Generator<DetailedExample> {
  const rng = splitRandom(seed, split);
  const dataRng = dataSplitRandom(seed, split);
  const cover = new Map<string, number>();
  const every = mix.dataEvery;
  for (let i = 0; i < count; i++) {
    yield every > 0 && i % every === every - 1
      ? dataExample(dataRng, split, cover)
      : corpusExample(rng, split, mix.restyledShare);
  }
}

/** One example of the general mix from `rng`, its fill drawn from `split`. */
export function corpusExample(rng: SeededRandom, split: Split, restyledShare = 0): DetailedExample {
  const plan = drawPlan(rng, split, restyledShare);
  const prompt = promptMessages(plan);
  const turn = assistantTurn(plan);
  const { tokens, lossMask, runs } = exampleTokens(prompt, turn.segments);
  return {
    tokens,
    lossMask,
    promptLength: runs[0]?.start ?? tokens.length,
    effort: plan.effort,
    category: plan.task.category,
    fill: plan.task.fill,
    expected: turn.expected,
    analysisTokens: encodeOrdinary(turn.analysis).length,
    decisionIndex: plan.task.kind === "tool" ? decisionIndex(tokens, runs[0]?.start ?? 0, plan.task) : -1,
    conversation: conversation([...prompt, ...turn.segments.flatMap((s) => s.messages)]),
    runs,
  };
}

export interface CorpusOptions {
  seed: number;
  count: number;
  split: Split;
  /** Default SHIPPED_MIX. */
  mix?: Readonly<CorpusMix>;
}

/** `count` examples of `split`; the same seed gives the same ids, and a smaller count a prefix. */
export function generateCorpus({ seed, count, split, mix }: CorpusOptions): CorpusExample[] {
  checkCount(count, "generateCorpus count");
  const out: CorpusExample[] = [];
  for (const example of corpusExamples(seed, split, count, mix)) {
    // Keeping every conversation would multiply a large corpus's memory; the trainer needs only the ids.
    const { conversation: _conversation, runs: _runs, ...lean } = example;
    out.push(lean);
  }
  return out;
}

/**
 * Held-out prompts with what a well-trained model should do. Case i is the prompt of held-out example i of the
 * same seed, so `count` only decides how many: a smaller count gives a prefix of a larger one.
 */
export function heldOutCases({ seed, count }: { seed: number; count: number }): HeldOutCase[] {
  checkCount(count, "heldOutCases count");
  const rng = splitRandom(seed, "heldout");
  return Array.from({ length: count }, () => {
    const plan = drawPlan(rng, "heldout");
    return {
      conversation: conversation(promptMessages(plan)),
      effort: plan.effort,
      category: plan.task.category,
      fill: plan.task.fill,
      expected: assistantTurn(plan).expected,
    };
  });
}

/** The special tokens a Harmony turn needs, whether or not a sample of the corpus happens to use them all. */
export const HARMONY_SPECIAL_TOKENS: readonly number[] = FORMAT_TOKENS;

export interface VocabularyOptions {
  seed: number;
  /** Train examples to scan (default 20 000: the token set is closed by then; 50 000 add no id). */
  trainCount?: number;
  /** Held-out examples to scan, prompts and expected turns alike (default 1 000). */
  heldOutCount?: number;
  /** Default SHIPPED_MIX. */
  mix?: Readonly<CorpusMix>;
}

/** Sorted ids of every token the corpus uses (train ∪ held-out ∪ Harmony's special tokens). */
export function corpusVocabulary({
  seed,
  trainCount = 20_000,
  heldOutCount = 1_000,
  mix,
}: VocabularyOptions): Uint32Array {
  const used = new Set<number>(HARMONY_SPECIAL_TOKENS);
  for (const split of ["train", "heldout"] as const) {
    const count = split === "train" ? trainCount : heldOutCount;
    checkCount(count, `corpusVocabulary ${split} count`);
    for (const example of corpusExamples(seed, split, count, mix))
      for (const id of example.tokens) used.add(id);
  }
  return Uint32Array.from([...used].sort((a, b) => a - b));
}
