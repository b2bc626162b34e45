/**
 * The training loop's promises: a run is a pure function of its seed (one or two gradient threads give the same
 * bits, and the exported GGUF is byte-identical), a run stopped and resumed from its checkpoint ends exactly
 * where an uninterrupted one does, and a checkpoint from other settings is refused.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@overtone/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../packages/toy/src/corpus/index.js";
import { exportToyGguf } from "../../packages/toy/src/train/export-gguf.js";
import { type TrainToyOptions, trainToy } from "../../packages/toy/src/train/train-toy.js";
import { buildTrainingSet, type TrainingSet } from "../../packages/toy/src/train/training-set.js";

let dir: string;
let trainingSet: TrainingSet;

const base = (): TrainToyOptions => ({
  seed: 5,
  threads: 1,
  shape: { layers: 2, embd: 16, heads: 2, kvHeads: 1, headDim: 8, ff: 24, slidingWindow: 32 },
  recipe: { steps: 8, batchSize: 3, warmupSteps: 2, learningRate: 5e-3 },
  trainingSet,
});

const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const paramsDigest = (p: Float32Array) => digest(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-toy-train-"));
  const examples = generateCorpus({ seed: 5, count: 12, split: "train" });
  const vocabulary = [...new Set(examples.flatMap((e) => [...e.tokens]))];
  trainingSet = buildTrainingSet(examples, vocabulary, 512);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("toy training loop", () => {
  it("learns: the loss falls over a few steps", async () => {
    const run = await trainToy({ ...base(), recipe: { ...base().recipe, steps: 20 } });
    const first = run.losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = run.losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(first).toBeGreaterThan(Math.log(trainingSet.vocabulary.size) - 1);
    expect(last).toBeLessThan(first - 0.5);
  });

  it("gives the same bits with one or two gradient threads, and a byte-identical GGUF", async () => {
    const one = await trainToy(base());
    const two = await trainToy({ ...base(), threads: 2 });
    expect(paramsDigest(two.params)).toBe(paramsDigest(one.params));
    expect(two.losses).toEqual(one.losses);
    const a = await exportToyGguf(one, { out: join(dir, "a.gguf") });
    const b = await exportToyGguf(two, { out: join(dir, "b.gguf") });
    expect(digest(await readFile(b.path))).toBe(digest(await readFile(a.path)));
    const other = await trainToy({ ...base(), seed: 6 });
    expect(paramsDigest(other.params)).not.toBe(paramsDigest(one.params));
  }, 120_000);

  it("resumes from a checkpoint exactly where an uninterrupted run would be", async () => {
    const whole = await trainToy(base());
    const checkpointPath = join(dir, "run.ckpt.gguf");
    const firstHalf = await trainToy({ ...base(), checkpointPath, stopAfterStep: 4 });
    expect(firstHalf.completed).toBe(false);
    expect(firstHalf.step).toBe(4);
    expect((await stat(checkpointPath)).size).toBeGreaterThan(0);
    const resumed = await trainToy({ ...base(), checkpointPath, checkpointEvery: 2 });
    expect(resumed.completed).toBe(true);
    expect(resumed.step).toBe(8);
    expect(resumed.losses).toEqual(whole.losses);
    expect(paramsDigest(resumed.params)).toBe(paramsDigest(whole.params));
  });

  it("stops at an abort with a checkpoint", async () => {
    const checkpointPath = join(dir, "abort.ckpt.gguf");
    const controller = new AbortController();
    const run = await trainToy({
      ...base(),
      checkpointPath,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 3) controller.abort();
      },
    });
    expect(run.step).toBe(3);
    expect(run.completed).toBe(false);
    const resumed = await trainToy({ ...base(), checkpointPath });
    expect(resumed.step).toBe(8);
  });

  it("refuses a checkpoint written under other settings", async () => {
    const checkpointPath = join(dir, "other.ckpt.gguf");
    await trainToy({ ...base(), checkpointPath, stopAfterStep: 2 });
    await expect(trainToy({ ...base(), seed: 9, checkpointPath })).rejects.toThrow(ConfigError);
    await expect(
      trainToy({ ...base(), recipe: { ...base().recipe, steps: 9 }, checkpointPath }),
    ).rejects.toThrow(/steps 8 \(this run: 9\)/);
  });
});
