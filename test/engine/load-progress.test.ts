/**
 * The embedded model's load reports its progress (issue 15: loading with progress where a command can show it):
 * node-llama-cpp's `onLoadProgress` through the engine's `loadModel` and the embedded backend, as `overtone
 * proofread`, `run`-style `loadNow` callers show it on a terminal. Real llama.cpp on the shipped toy model.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createEmbedded } from "../../packages/overtone/src/backends/embedded/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../support/toy-model.js";

afterAll(async () => {
  await disposeEngineLlama();
});

describe("load progress", () => {
  it("the embedded backend reports rising fractions that end at 1 before ready() resolves", async () => {
    const seen: number[] = [];
    const backend = createEmbedded({
      model: await toyModelPath(),
      contextSize: 1024,
      threads: 1,
      onLoadProgress: (fraction) => seen.push(fraction),
    });
    try {
      await backend.ready();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toBe(1);
      for (const [i, f] of seen.entries()) {
        expect(f).toBeGreaterThan(0);
        if (i > 0) expect(f).toBeGreaterThanOrEqual(seen[i - 1] as number);
      }
    } finally {
      await backend.close();
    }
  });
});
