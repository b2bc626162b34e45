import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadHarmonyTemplate, openGguf } from "@overtone/gguf/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gptOssMetadata } from "./gpt-oss-metadata.js";
import { gptOssTensorPlan } from "./gpt-oss-tensors.js";
import { loadGptOssVocab } from "./gpt-oss-vocab.js";
import { type MakeTinyGptOssResult, makeTinyGptOss } from "./make-tiny-gpt-oss.js";
import { tensorBytes } from "./tensor-stream.js";

let dir: string;
let made: MakeTinyGptOssResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-tiny-"));
  made = await makeTinyGptOss({ out: join(dir, "m.gguf"), seed: 11, layers: 1 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("makeTinyGptOss", () => {
  it("writes the planned metadata and tensors, readable by Overtone's reader", async () => {
    await using f = await openGguf(made.path);
    const vocab = await loadGptOssVocab();
    const expected = gptOssMetadata(made.options, vocab, await loadHarmonyTemplate(), made.parameters);
    expect([...f.metadata.keys()]).toEqual([...expected.keys()]);
    for (const [key, value] of expected) expect([key, f.metadata.get(key)]).toEqual([key, value]);
    const plan = gptOssTensorPlan(made.options);
    expect(f.tensors.map((t) => [t.name, t.type, t.shape])).toEqual(
      plan.map((t) => [t.name, t.type, t.shape]),
    );
    expect(made.tensorCount).toBe(plan.length);
    expect(made.bytes).toBe(f.fileSize);
    for (const t of [plan[1], plan.find((x) => x.name === "blk.0.ffn_down_exps.weight")]) {
      if (t === undefined) throw new Error("missing tensor");
      expect(new Uint8Array(await f.readTensorData(t.name))).toEqual(await tensorBytes(t, 11));
    }
  });

  it("reports what it made", () => {
    expect(made.options.seed).toBe(11);
    expect(made.metadataCount).toBeGreaterThan(30);
    expect(made.bytes).toBeGreaterThan(50e6);
    expect(made.elapsedMs).toBeGreaterThan(0);
    expect(made.options.template).toBe("harmony");
  });

  it("leaves no temp file behind, and rejects bad options before writing anything", async () => {
    await expect(makeTinyGptOss({ out: join(dir, "bad.gguf"), layers: 0 })).rejects.toThrow(/layers/);
    expect(await readdir(dir)).toEqual(["m.gguf"]);
  });
});
