/**
 * The reference forward pass against llama.cpp itself (node-llama-cpp's CPU binary, no mocks): on random tiny
 * gpt-oss models built to exercise every part of the graph — F32 weights, non-zero biases and sinks, norms
 * that are not 1, a window shorter than the sequence, gate/up weights large enough to hit swiglu_oai's clamps,
 * more experts than are routed, grouped KV heads — the logits at every position and over the whole
 * 201,088-token vocabulary agree to 2e-4. Flash attention is off and the KV cache F32, because the flash path
 * and an F16 cache round K and V to F16 and move logits by ~0.08 (reference/gpt-oss-forward.md §5.2, §5.4).
 *
 * The last test shows the comparison has teeth: each plausible mistake (no sinks, the wrong layers sliding,
 * a window off by one, plain RoPE for YaRN, a tied output, …) moves these models' logits far past 2e-4.
 */

import {
  conversation,
  encodeOrdinary,
  encodeWithSpecialTokens,
  message,
  renderConversationForCompletion,
} from "@overtone/harmony";
import type { TinyGptOssOptions } from "@overtone/makers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  emptyForwardStats,
  loadReferenceModel,
  type ReferenceModel,
  referenceFinalHidden,
  referenceForward,
} from "../../packages/toy/src/reference/index.js";
import { disposeTestLlama, loadTestModel, logitsAtEveryPosition } from "../support/llama.js";
import { TINY_PARITY_WEIGHTS, tinyModelPath } from "../support/tiny-models.js";

const TOLERANCE = 2e-4;

const PARITY_WEIGHTS = TINY_PARITY_WEIGHTS;

const CASES: { name: string; options: TinyGptOssOptions }[] = [
  {
    name: "2 layers, width 64, 4/2 heads of 16, 4 experts top 2, window 6",
    options: { ...PARITY_WEIGHTS, seed: 11, slidingWindow: 6 },
  },
  {
    name: "3 layers, width 48, 6/2 heads of 16, 5 experts top 3, ff 40, window 5",
    options: {
      ...PARITY_WEIGHTS,
      seed: 23,
      layers: 3,
      embd: 48,
      heads: 6,
      kvHeads: 2,
      experts: 5,
      expertsUsed: 3,
      ff: 40,
      slidingWindow: 5,
    },
  },
  {
    // gpt-oss's head size: YaRN blends pairs 9–17, where llama.cpp's rounding of the range shows.
    name: "2 layers, width 32, 2/1 heads of 64, 8 experts top 4, ff 32, window 8",
    options: {
      ...PARITY_WEIGHTS,
      seed: 37,
      embd: 32,
      heads: 2,
      kvHeads: 1,
      headDim: 64,
      experts: 8,
      expertsUsed: 4,
      ff: 32,
      slidingWindow: 8,
    },
  },
];

/** A rendered Harmony prompt, the start of an analysis message, and ordinary text: 35 tokens. */
const TOKENS = [
  ...renderConversationForCompletion(conversation([message("user", "What is 2 + 2?")]), "assistant"),
  ...encodeWithSpecialTokens("<|channel|>analysis<|message|>"),
  ...encodeOrdinary("Two plus two is four; the user wants a short answer, so say 4."),
];

/** Contexts for an exact comparison (§5.2): flash attention off, F32 K and V. */
const EXACT = { threads: 1, contextSize: 64, flashAttention: false, kvCacheType: "F32" } as const;

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (!(d <= max)) max = d; // NaN wins, so a missing logit fails the comparison
  }
  return max;
}

const paths: string[] = [];
const references = new Map<number, Promise<ReferenceModel>>();
const llamaRuns = new Map<number, Promise<Float32Array>>();

/** Case `index` loaded into the reference, once per file. */
function referenceModel(index: number): Promise<ReferenceModel> {
  let model = references.get(index);
  if (model === undefined) {
    model = loadReferenceModel(paths[index] as string);
    references.set(index, model);
  }
  return model;
}

/** llama.cpp's logits of case `index` for TOKENS, evaluated once per file. */
function llamaLogits(index: number, vocabSize: number): Promise<Float32Array> {
  let run = llamaRuns.get(index);
  if (run === undefined) {
    const path = paths[index] as string;
    run = loadTestModel(path).then((m) => logitsAtEveryPosition(m, TOKENS, vocabSize, EXACT));
    llamaRuns.set(index, run);
  }
  return run;
}

beforeAll(async () => {
  // One at a time: parallel makes would only fight over the two cores.
  for (const c of CASES) paths.push(await tinyModelPath(c.options));
}, 300_000);
afterAll(() => disposeTestLlama());

describe("referenceForward matches llama.cpp's logits", () => {
  it("uses a sequence longer than every window", () => {
    for (const c of CASES) expect(TOKENS.length).toBeGreaterThan(c.options.slidingWindow as number);
    expect(TOKENS.length).toBeGreaterThanOrEqual(24);
    expect(TOKENS.length).toBeLessThanOrEqual(48);
  });

  CASES.forEach((c, index) => {
    it(`${c.name}: max |Δlogit| ≤ ${TOLERANCE} at every position and token`, async () => {
      const reference = await referenceModel(index);
      const stats = emptyForwardStats();
      const ours = referenceForward(reference, TOKENS, { stats });
      const llama = await llamaLogits(index, reference.vocabSize);

      // The model must exercise what the comparison is about.
      expect(stats.gateClamped).toBeGreaterThan(0);
      expect(stats.upClamped).toBeGreaterThan(0);
      expect(reference.hparams.experts).toBeGreaterThan(reference.hparams.expertsUsed);

      const delta = maxAbsDifference(ours, llama);
      const largest = ours.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      console.log(
        `${c.name}: max |Δlogit| ${delta.toExponential(2)} over ${TOKENS.length} × ${reference.vocabSize} ` +
          `logits (max |logit| ${largest.toFixed(1)}); gate clamped ${stats.gateClamped}/${stats.gateValues}, ` +
          `up clamped ${stats.upClamped}; closest router call ${stats.smallestRouterGap.toExponential(1)}`,
      );
      expect(delta).toBeLessThanOrEqual(TOLERANCE);
    }, 180_000);
  });
});

/** Logits for the first `count` tokens of the vocabulary only (what a mistake is measured on). */
function someLogits(model: ReferenceModel, count: number): Float32Array {
  const { embd } = model.hparams;
  const hidden = referenceFinalHidden(model, TOKENS);
  const out = new Float32Array(TOKENS.length * count);
  for (let t = 0; t < TOKENS.length; t++) {
    for (let v = 0; v < count; v++) {
      let sum = 0;
      for (let i = 0; i < embd; i++) {
        sum += (model.output[v * embd + i] as number) * (hidden[t * embd + i] as number);
      }
      out[t * count + v] = sum;
    }
  }
  return out;
}

describe("the comparison catches a wrong forward pass", () => {
  it("each mistake moves the logits by far more than the tolerance", async () => {
    const model = await referenceModel(0);
    const hp = model.hparams;
    const withLayers = (change: (l: ReferenceModel["layers"][number]) => object): ReferenceModel => ({
      ...model,
      layers: model.layers.map((l) => ({ ...l, ...change(l) })),
    });
    const mistakes: Record<string, ReferenceModel> = {
      "no attention sinks": withLayers((l) => ({ sinks: l.sinks.map(() => Number.NEGATIVE_INFINITY) })),
      "odd layers sliding": { ...model, hparams: { ...hp, swaLayers: hp.swaLayers.map((s) => !s) } },
      "window one longer": { ...model, hparams: { ...hp, slidingWindow: hp.slidingWindow + 1 } },
      "window one shorter": { ...model, hparams: { ...hp, slidingWindow: hp.slidingWindow - 1 } },
      "plain RoPE instead of YaRN": {
        ...model,
        hparams: { ...hp, rope: { ...hp.rope, scalingType: "linear", freqScale: 1, freqScaleSwa: 1 } },
      },
      "no q/k/v biases": withLayers(() => ({ qBias: undefined, kBias: undefined, vBias: undefined })),
      "no router bias": withLayers((l) => ({ routerBias: l.routerBias.map(() => 0) })),
      "output tied to the embedding": { ...model, output: model.tokenEmbedding },
    };
    const count = 4096;
    const right = someLogits(model, count);
    const llama = await llamaLogits(0, model.vocabSize);
    const llamaSome = new Float32Array(TOKENS.length * count);
    for (let t = 0; t < TOKENS.length; t++) {
      llamaSome.set(llama.subarray(t * model.vocabSize, t * model.vocabSize + count), t * count);
    }
    expect(maxAbsDifference(right, llamaSome)).toBeLessThanOrEqual(TOLERANCE);
    const moved = Object.entries(mistakes).map(([name, wrong]) => [
      name,
      maxAbsDifference(someLogits(wrong, count), llamaSome),
    ]);
    console.log(moved.map(([name, d]) => `${name}: ${(d as number).toExponential(1)}`).join("; "));
    for (const [name, d] of moved)
      expect({ name, far: (d as number) > 100 * TOLERANCE }).toEqual({ name, far: true });
  }, 180_000);
});
