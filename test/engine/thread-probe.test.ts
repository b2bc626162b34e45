/**
 * The auto thread count measured at load (src/engine/thread-probe.ts), on real llama.cpp and the tiny gpt-oss.
 * Timings are not asserted (other test files share the CPU): only that every candidate is timed and the fastest
 * is kept (test/engine/engine-model.test.ts checks the count loadModel ends up with).
 */
import type { LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disposeEngineLlama, engineLlama } from "../../packages/overtone/src/engine/llama-runtime.js";
import {
  measuredAutoThreads,
  PROBE_BELOW_ACTIVE_BYTES,
  probeThreads,
} from "../../packages/overtone/src/engine/thread-probe.js";
import { tinyModelPath } from "../support/tiny-models.js";

let model: LlamaModel;

beforeAll(async () => {
  const llama = await engineLlama({ gpu: false });
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
    const rule = (threads: number) => ({ threads, source: "rule" });
    expect(await measuredAutoThreads(model, 2, PROBE_BELOW_ACTIVE_BYTES + 1)).toEqual(rule(2));
    expect(await measuredAutoThreads(model, 2, undefined)).toEqual(rule(2));
    expect(await measuredAutoThreads(model, 1, 1_000)).toEqual(rule(1));
  });
});
