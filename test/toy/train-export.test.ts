/**
 * The exported toy GGUF in real llama.cpp (F32 weights, flash attention off, F32 KV cache: the exact settings of
 * reference/gpt-oss-forward.md §5.2) against the trainer's own forward pass, on a held-in corpus example longer
 * than the sliding window: corpus-token logits agree to F32 noise, no unused o200k_harmony token is ever the
 * top token, and the one unused logit sampled is exactly −M·h[0] below them. The model is trained for a few
 * steps first so biases, sinks and norms are no longer at their initial values.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../packages/toy/src/corpus/index.js";
import { loadReferenceModel, referenceForward } from "../../packages/toy/src/reference/index.js";
import { exportToyGguf } from "../../packages/toy/src/train/export-gguf.js";
import { ToyForward } from "../../packages/toy/src/train/toy-forward.js";
import { type TrainedToy, trainToy } from "../../packages/toy/src/train/train-toy.js";
import { UNUSED_OUTPUT_WEIGHT } from "../../packages/toy/src/train/vocab-design.js";
import { measureVocabularyMargin } from "../../packages/toy/src/train/vocab-margin.js";
import { disposeTestLlama, loadTestModel } from "../support/llama.js";

const SEED = 11;
let dir: string;
let toy: TrainedToy;
let path: string;
let tokens: number[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-toy-export-"));
  toy = await trainToy({
    seed: SEED,
    threads: 1,
    shape: { layers: 2, embd: 32, heads: 4, kvHeads: 2, headDim: 8, ff: 64, slidingWindow: 16 },
    recipe: { steps: 12, batchSize: 4, trainExamples: 48, warmupSteps: 2, learningRate: 1e-2 },
  });
  path = (await exportToyGguf(toy, { out: join(dir, "toy.gguf") })).path;
  const example = generateCorpus({ seed: SEED, count: 1, split: "train" })[0];
  tokens = [...(example?.tokens ?? [])].slice(0, 96);
}, 300_000);

afterAll(async () => {
  await disposeTestLlama();
  await rm(dir, { recursive: true, force: true });
});

/** llama.cpp's logits for the corpus tokens, one unused token, and the overall top token, at every position. */
async function llamaLogits(unusedId: number): Promise<Map<Token, number>[]> {
  const model = await loadTestModel(path);
  const context = await model.createContext({
    contextSize: 256,
    threads: { ideal: 1, min: 1 },
    flashAttention: false,
    experimentalKvCacheKeyType: "F32",
    experimentalKvCacheValueType: "F32",
  });
  try {
    const filter = { tokens: [...toy.vocabulary.ids, unusedId] as Token[], includeMax: true };
    const results = await context
      .getSequence()
      .controlledEvaluate(tokens.map((t) => [t as Token, { generateNext: { logits: { filter } } }] as const));
    return results.map((r) => r?.next.logits ?? new Map());
  } finally {
    await context.dispose();
  }
}

describe("exported toy GGUF in llama.cpp", () => {
  it("matches the trainer's forward pass and never lets an unused token win", async () => {
    expect(tokens.length).toBeGreaterThan(2 * toy.config.shape.slidingWindow);
    const unusedId = [...Array(1000).keys()].find((id) => toy.vocabulary.row(id) < 0) as number;
    const fromLlama = await llamaLogits(unusedId);
    const forward = new ToyForward(toy, tokens.length, "f32");
    const ours = forward.logits(tokens);
    const h0 = forward.biasChannel(tokens.length);
    const V = toy.vocabulary.size;
    let worst = 0;
    let largest = 0;
    tokens.forEach((_, t) => {
      const row = fromLlama[t] as Map<Token, number>;
      toy.vocabulary.ids.forEach((id, i) => {
        const theirs = row.get(id as Token);
        expect(theirs, `position ${t} token ${id}`).toBeDefined();
        worst = Math.max(worst, Math.abs((theirs as number) - (ours[t * V + i] as number)));
        largest = Math.max(largest, Math.abs(ours[t * V + i] as number));
      });
      const [topId] = row.entries().next().value as [Token, number];
      expect(toy.vocabulary.row(topId), `top token at position ${t}`).toBeGreaterThanOrEqual(0);
      const unused = row.get(unusedId as Token) as number;
      expect(unused).toBeCloseTo(-UNUSED_OUTPUT_WEIGHT * (h0[t] as number), 1);
    });
    expect(largest).toBeGreaterThan(1);
    expect(worst).toBeLessThan(1e-3);
  });

  it("matches the float64 reference forward pass reading the exported file", async () => {
    const reference = referenceForward(await loadReferenceModel(path), tokens);
    const ours = new ToyForward(toy, tokens.length, "f64").logits(tokens);
    const V = toy.vocabulary.size;
    let worst = 0;
    for (let t = 0; t < tokens.length; t++) {
      const row = reference.subarray(
        (t * reference.length) / tokens.length,
        ((t + 1) * reference.length) / tokens.length,
      );
      let topUnused = Number.NEGATIVE_INFINITY;
      let topUsed = Number.NEGATIVE_INFINITY;
      row.forEach((logit, id) => {
        if (toy.vocabulary.row(id) < 0) topUnused = Math.max(topUnused, logit);
        else topUsed = Math.max(topUsed, logit);
      });
      expect(topUnused, `position ${t}`).toBeLessThan(topUsed);
      toy.vocabulary.ids.forEach((id, i) => {
        worst = Math.max(worst, Math.abs((row[id] as number) - (ours[t * V + i] as number)));
      });
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it("agrees with a float64 forward of the same weights", () => {
    const f32 = new ToyForward(toy, tokens.length, "f32").logits(tokens);
    const f64 = new ToyForward(toy, tokens.length, "f64").logits(tokens);
    let worst = 0;
    for (let i = 0; i < f64.length; i++)
      worst = Math.max(worst, Math.abs((f32[i] as number) - (f64[i] as number)));
    expect(worst).toBeLessThan(1e-3);
  });

  it("keeps a positive margin between corpus and unused tokens", () => {
    const margin = measureVocabularyMargin(
      new ToyForward(toy, 512),
      generateCorpus({ seed: SEED, count: 8, split: "train" }),
    );
    expect(margin.minBiasChannel).toBeGreaterThan(0);
    expect(margin.margin).toBeGreaterThan(10);
  });
});
