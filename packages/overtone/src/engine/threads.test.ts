import { describe, expect, it } from "vitest";
import { activeWeightBytes, autoThreads } from "./threads.js";

describe("activeWeightBytes", () => {
  it("skips the embedding table and counts experts at the used share", () => {
    const tensors = [
      { name: "token_embd.weight", bytes: 1000 },
      { name: "output.weight", bytes: 100 },
      { name: "blk.0.ffn_up_exps.weight", bytes: 40 },
      { name: "blk.0.ffn_up_exps.bias", bytes: 8 },
      { name: "blk.0.attn_q.weight", bytes: 10 },
    ];
    expect(activeWeightBytes(tensors, { count: 4, used: 2 })).toBe(100 + 20 + 4 + 10);
    expect(activeWeightBytes(tensors)).toBe(100 + 48 + 10);
  });
});

describe("autoThreads", () => {
  it("gives one thread per physical math core, small model or not, and never fewer than one", () => {
    expect(autoThreads({ cpuMathCores: 8, activeBytes: 26e6 })).toBe(8);
    expect(autoThreads({ cpuMathCores: 2, activeBytes: 2e9 })).toBe(2);
    expect(autoThreads({ cpuMathCores: 6, activeBytes: undefined })).toBe(6);
    expect(autoThreads({ cpuMathCores: 0, activeBytes: 2e9 })).toBe(1);
  });
});
