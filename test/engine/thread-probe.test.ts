/**
 * The auto thread count measured at load (src/engine/thread-probe.ts), on real llama.cpp and the tiny gpt-oss.
 * Timings are not asserted (other test files share the CPU): only that every candidate is timed, the fastest is
 * kept, and loadModel uses it.
 */
import type { LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeEngineLlama, engineLlama, loadModel } from "../../src/engine/index.js";
import {
  measuredAutoThreads,
  PROBE_BELOW_ACTIVE_BYTES,
  probeThreads,
} from "../../src/engine/thread-probe.js";
import { tinyModelPath } from "../support/tiny-models.js";

let model: LlamaModel;
let cores: number;

beforeAll(async () => {
  const llama = await engineLlama({ gpu: false });
  cores = llama.cpuMathCores;
  model = await llama.loadModel({ modelPath: await tinyModelPath() });
}, 120_000);
afterAll(async () => {
  await model?.dispose();
  await disposeEngineLlama();
});

describe("the measured auto thread count", () => {
  it("times greedy decoding at every candidate and keeps the fastest", async () => {
    const probe = await probeThreads(model, [1, 2]);
    expect([...probe.decodeSpeeds.keys()].sort()).toEqual([1, 2]);
    for (const speed of probe.decodeSpeeds.values()) {
      expect(Number.isFinite(speed)).toBe(true);
      expect(speed).toBeGreaterThan(0);
    }
    const [fastest] = [...probe.decodeSpeeds].sort((a, b) => b[1] - a[1])[0] ?? [];
    expect(probe.threads).toBe(fastest);
  }, 60_000);

  it("keeps the rule's count for a model too large to probe, and for a single core", async () => {
    expect(await measuredAutoThreads(model, 2, PROBE_BELOW_ACTIVE_BYTES + 1)).toBe(2);
    expect(await measuredAutoThreads(model, 2, undefined)).toBe(2);
    expect(await measuredAutoThreads(model, 1, 1_000)).toBe(1);
  });

  it("is what loadModel uses when the caller gives no thread count", async () => {
    const loaded = await loadModel(await tinyModelPath(), { contextSize: 512, gpu: false });
    try {
      expect(loaded.info.threads).toBeGreaterThanOrEqual(1);
      expect(loaded.info.threads).toBeLessThanOrEqual(Math.max(1, cores));
    } finally {
      await loaded.dispose();
    }
  }, 60_000);
});
