/**
 * `makeToyGptOss`: train the toy model for a seed and write it as a gpt-oss GGUF — what `overtone gguf
 * train-toy` runs and what a cached `toy` model is made with. The same seed and options give a byte-identical
 * file. The checkpoint (resumable after an interruption) is removed once the model is written, unless kept.
 */

import { rm } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { generateCorpus } from "../corpus/index.js";
import { corpusMix } from "./corpus-training-set.js";
import { exportToyGguf, type ToyTemplate } from "./export-gguf.js";
import { type HeldOutLoss, heldOutLoss } from "./held-out-loss.js";
import { ToyForward } from "./toy-forward.js";
import { type TrainedToy, type TrainToyOptions, trainToy } from "./train-toy.js";
import { measureVocabularyMargin, type VocabularyMargin } from "./vocab-margin.js";

export interface MakeToyGptOssOptions extends TrainToyOptions {
  out: string;
  template?: ToyTemplate;
  /** Keep the checkpoint after a finished run (default: removed). */
  keepCheckpoint?: boolean;
}

export interface MakeToyGptOssResult {
  /** Undefined when the run stopped early (abort or stopAfterStep): nothing was written but the checkpoint. */
  path: string | undefined;
  bytes: number;
  parameters: number;
  completed: boolean;
  step: number;
  steps: number;
  /** Mean loss of the last 50 steps (nats per trained token). */
  finalLoss: number;
  /** The vocabulary design's margin, measured on the first training conversations. */
  margin: VocabularyMargin | undefined;
  /** Loss on conversations of the corpus's held-out split (never trained on). */
  heldOut: HeldOutLoss | undefined;
  elapsedSeconds: number;
  trained: TrainedToy;
}

const MARGIN_EXAMPLES = 64;
const HELD_OUT_EXAMPLES = 200;

function tailMean(values: readonly number[], n: number): number {
  const tail = values.slice(-n);
  return tail.length === 0 ? Number.NaN : tail.reduce((a, b) => a + b, 0) / tail.length;
}

export async function makeToyGptOss(options: MakeToyGptOssOptions): Promise<MakeToyGptOssResult> {
  const started = performance.now();
  const trained = await trainToy(options);
  const base = {
    parameters: trained.layout.total,
    completed: trained.completed,
    step: trained.step,
    steps: trained.config.recipe.steps,
    finalLoss: tailMean(trained.losses, 50),
    trained,
  };
  if (!trained.completed) {
    return {
      ...base,
      path: undefined,
      bytes: 0,
      margin: undefined,
      heldOut: undefined,
      elapsedSeconds: (performance.now() - started) / 1000,
    };
  }
  const known = (e: { tokens: Uint32Array }) => e.tokens.every((id) => trained.vocabulary.row(id) >= 0);
  const seed = trained.config.seed;
  const mix = corpusMix(trained.config);
  const train = generateCorpus({ seed, count: MARGIN_EXAMPLES, split: "train", mix }).filter(known);
  const held = generateCorpus({ seed, count: HELD_OUT_EXAMPLES, split: "heldout", mix }).filter(known);
  const longest = [...train, ...held].reduce((n, e) => Math.max(n, e.tokens.length), 1);
  const forward = new ToyForward(trained, longest);
  const margin = train.length > 0 ? measureVocabularyMargin(forward, train) : undefined;
  const heldOut = held.length > 0 ? heldOutLoss(forward, held) : undefined;
  const written = await exportToyGguf(trained, { out: options.out, template: options.template ?? "harmony" });
  if (options.checkpointPath !== undefined && options.keepCheckpoint !== true) {
    await rm(options.checkpointPath, { force: true });
  }
  return {
    ...base,
    path: written.path,
    bytes: written.bytes,
    parameters: written.parameters,
    margin,
    heldOut,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
