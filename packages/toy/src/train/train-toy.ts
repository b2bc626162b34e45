/**
 * The training loop: seeded initialization or a checkpoint, then batches from the seeded sampler, the
 * gradient (one or two threads, same result), AdamW, and the bias channel re-imposed after every step. Progress
 * (loss, tokens/s, ETA) goes to a callback; checkpoints are written every N steps, on abort and at the end.
 */

import { stat } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { adamwStep, learningRateAt } from "./adamw.js";
import { readCheckpoint, trainingSetFingerprint, writeCheckpoint } from "./checkpoint.js";
import { corpusTrainingSet } from "./corpus-training-set.js";
import { GradientEngine, type ThreadCount } from "./gradient-engine.js";
import { initParams } from "./init-params.js";
import { type ParamLayout, paramLayout } from "./param-layout.js";
import { resolveToyConfig, type ToyConfig, type ToyConfigInput } from "./toy-config.js";
import { BatchSampler, type TrainingSet } from "./training-set.js";
import { type CompactVocabulary, frozenEntries, imposeFrozen, zeroFrozen } from "./vocab-design.js";

export interface TrainProgress {
  phase: "corpus" | "train" | "done";
  /** Steps done (after this one). */
  step: number;
  steps: number;
  /** This step's weighted mean loss per trained token (nats), and an exponential average of it. */
  loss: number;
  smoothedLoss: number;
  learningRate: number;
  /** Tokens (whole sequences) through forward and backward per second, this session. */
  tokensPerSecond: number;
  etaSeconds: number;
  elapsedSeconds: number;
}

export interface TrainToyOptions extends ToyConfigInput {
  /** Threads computing gradients (default 2 where there are 2 cores or more); never changes the result. */
  threads?: ThreadCount;
  /** Resume from this file if it exists, and write it every `checkpointEvery` steps. */
  checkpointPath?: string;
  checkpointEvery?: number;
  /** Stop (checkpointed) after this many steps of the schedule, e.g. to split a run. */
  stopAfterStep?: number;
  onProgress?: (p: TrainProgress) => void;
  /** Aborting stops after the current step, writes the checkpoint, and returns the partial model. */
  signal?: AbortSignal;
  /** The examples to train on; default: the corpus for the seed (corpus-training-set.ts). */
  trainingSet?: TrainingSet;
}

export interface TrainedToy {
  config: ToyConfig;
  layout: ParamLayout;
  vocabulary: CompactVocabulary;
  params: Float32Array;
  losses: number[];
  /** Steps done; equals config.recipe.steps when `completed`. */
  step: number;
  completed: boolean;
  trainingSet: { examples: number; tokens: number; trainedTokens: number; dropped: number; longest: number };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** A batch's token count and summed loss weight (a deciding token counts decisionWeight times). */
function batchTokens(set: TrainingSet, batch: Int32Array): { tokens: number; weight: number } {
  const { offsets, masks } = set.packed;
  let tokens = 0;
  let weight = 0;
  for (const i of batch) {
    const start = offsets[i] as number;
    const end = offsets[i + 1] as number;
    tokens += end - start;
    for (let t = start + 1; t < end; t++) weight += masks[t] as number;
  }
  return { tokens, weight };
}

export async function trainToy(options: TrainToyOptions = {}): Promise<TrainedToy> {
  const config = resolveToyConfig(options);
  const { recipe } = config;
  const threads = options.threads ?? 2;
  const progress = options.onProgress ?? (() => {});
  const started = performance.now();
  const blank = {
    loss: Number.NaN,
    smoothedLoss: Number.NaN,
    learningRate: 0,
    tokensPerSecond: 0,
    etaSeconds: Number.NaN,
  };
  progress({ phase: "corpus", step: 0, steps: recipe.steps, elapsedSeconds: 0, ...blank });
  const set = options.trainingSet ?? corpusTrainingSet(config, threads === 2);
  const layout = paramLayout(config.shape, set.vocabulary.size);
  const frozen = frozenEntries(layout);
  const fingerprint = trainingSetFingerprint(set);
  const engine = await GradientEngine.create(layout, set.packed, set.longest, threads);
  try {
    const m = new Float32Array(layout.total);
    const v = new Float32Array(layout.total);
    let step = 0;
    let losses: number[] = [];
    const path = options.checkpointPath;
    if (path !== undefined && (await exists(path))) {
      const saved = await readCheckpoint(path, config, fingerprint, layout.total);
      engine.params.set(saved.params);
      m.set(saved.m);
      v.set(saved.v);
      step = saved.step;
      losses = saved.losses;
    } else {
      initParams(layout, config.seed, frozen, engine.params);
    }
    const save = async () => {
      if (path !== undefined)
        await writeCheckpoint(path, { config, step, params: engine.params, m, v, losses }, fingerprint);
    };
    const stopAt = Math.min(recipe.steps, options.stopAfterStep ?? recipe.steps);
    const sampler = new BatchSampler(config.seed, set.count);
    const sessionStart = performance.now();
    const sessionFirstStep = step;
    let sessionTokens = 0;
    let smoothed = losses.length > 0 ? (losses[losses.length - 1] as number) : Number.NaN;
    while (step < stopAt && options.signal?.aborted !== true) {
      const batch = sampler.batch(step, recipe.batchSize);
      const { tokens, weight } = batchTokens(set, batch);
      const lossSum = await engine.compute(batch, weight > 0 ? 1 / weight : 0);
      zeroFrozen(engine.gradient, frozen);
      adamwStep(layout, engine.params, engine.gradient, { m, v }, step, recipe);
      imposeFrozen(engine.params, frozen);
      const loss = weight > 0 ? lossSum / weight : 0;
      losses.push(loss);
      smoothed = Number.isNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;
      step++;
      sessionTokens += tokens;
      const seconds = (performance.now() - sessionStart) / 1000;
      const perStep = seconds / (step - sessionFirstStep);
      progress({
        phase: "train",
        step,
        steps: recipe.steps,
        loss,
        smoothedLoss: smoothed,
        learningRate: learningRateAt(step - 1, recipe),
        tokensPerSecond: sessionTokens / seconds,
        etaSeconds: perStep * (stopAt - step),
        elapsedSeconds: (performance.now() - started) / 1000,
      });
      if (options.checkpointEvery !== undefined && step % options.checkpointEvery === 0 && step < stopAt)
        await save();
      // Lets a signal handler (Ctrl-C) run between steps even when no worker reply is awaited.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await save();
    return {
      config,
      layout,
      vocabulary: set.vocabulary,
      params: Float32Array.from(engine.params),
      losses,
      step,
      completed: step === recipe.steps,
      trainingSet: {
        examples: set.count,
        tokens: set.tokens,
        trainedTokens: set.trainedTokens,
        dropped: set.dropped,
        longest: set.longest,
      },
    };
  } finally {
    await engine.close();
  }
}
