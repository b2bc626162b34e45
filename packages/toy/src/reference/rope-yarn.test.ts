import { describe, expect, it } from "vitest";
import type { RopeParameters } from "./hyperparameters.js";
import { applyNeoxRope, ropeMagnitude, ropeTable, yarnCorrectionDims, yarnRamp } from "./rope-yarn.js";

/** Real gpt-oss (reference/gpt-oss-forward.md §1.1): base 150000, YaRN factor 32 over 4096 positions. */
const GPT_OSS_ROPE: RopeParameters = {
  freqBase: 150000,
  freqBaseSwa: 150000,
  scalingType: "yarn",
  freqScale: 1 / 32,
  freqScaleSwa: 1 / 32,
  originalContext: 4096,
  attnFactor: 1,
  betaFast: 32,
  betaSlow: 1,
};
const PLAIN_ROPE: RopeParameters = { ...GPT_OSS_ROPE, scalingType: "linear", freqScale: 1, freqScaleSwa: 1 };

describe("YaRN as llama.cpp rounds it", () => {
  it("gives gpt-oss's correction range lo = 8, hi = 18 (unrounded 8.0928 and 17.3980)", () => {
    expect(yarnCorrectionDims(64, 4096, 150000, 32, 1)).toEqual({ lo: 8, hi: 18 });
  });

  it("ramps 1 up to pair 8, then 0.9 … 0.1 for pairs 9 … 17, and 0 from pair 18", () => {
    const ramp = Array.from({ length: 32 }, (_, d) => yarnRamp(d, 8, 18));
    expect(ramp.slice(0, 9)).toEqual(new Array(9).fill(1));
    for (let d = 9; d < 18; d++) expect(ramp[d]).toBeCloseTo(0.9 - 0.1 * (d - 9), 12);
    expect(ramp.slice(18)).toEqual(new Array(14).fill(0));
  });

  it("scales every rotated component by 1 + 0.1·ln 32 = 1.3465736", () => {
    const layer = { freqBase: 150000, freqScale: 1 / 32 };
    expect(ropeMagnitude(GPT_OSS_ROPE, layer)).toBeCloseTo(1.3465736, 7);
    const table = ropeTable(GPT_OSS_ROPE, layer, 64, 1);
    expect(table.cos[0]).toBeCloseTo(1.3465736, 7); // position 0: angle 0
  });

  it("keeps pair 0 extrapolated (angle p) and the last pair interpolated (angle p·s·b^(−62/64))", () => {
    const table = ropeTable(GPT_OSS_ROPE, { freqBase: 150000, freqScale: 1 / 32 }, 64, 4);
    const m = 1 + 0.1 * Math.log(32);
    expect(table.cos[3 * 32]).toBeCloseTo(Math.cos(3) * m, 12);
    const lastAngle = (3 / 32) * 150000 ** (-62 / 64);
    expect(table.sin[3 * 32 + 31]).toBeCloseTo(Math.sin(lastAngle) * m, 12);
  });

  it("without YaRN keys is plain RoPE: angle p·b^(−2d/D), no magnitude factor", () => {
    expect(ropeMagnitude(PLAIN_ROPE, { freqBase: 10000, freqScale: 1 })).toBe(1);
    const table = ropeTable(PLAIN_ROPE, { freqBase: 10000, freqScale: 1 }, 8, 3);
    expect(table.cos[2 * 4 + 1]).toBeCloseTo(Math.cos(2 * 10000 ** (-2 / 8)), 12);
  });
});

describe("applyNeoxRope", () => {
  it("rotates pairs (d, d + D/2), not adjacent pairs", () => {
    const table = ropeTable(PLAIN_ROPE, { freqBase: 10000, freqScale: 1 }, 4, 2);
    // Unit vector on dimension 0 at position 1: pair 0 turns by 1 radian into dimensions 0 and 2.
    const v = new Float64Array([1, 0, 0, 0]);
    applyNeoxRope(v, 0, table, 1);
    expect(v[0]).toBeCloseTo(Math.cos(1), 12);
    expect(v[1]).toBe(0);
    expect(v[2]).toBeCloseTo(Math.sin(1), 12);
    expect(v[3]).toBe(0);
  });

  it("leaves position 0 unchanged when there is no magnitude factor", () => {
    const table = ropeTable(PLAIN_ROPE, { freqBase: 10000, freqScale: 1 }, 4, 1);
    const v = new Float64Array([0.5, -2, 3, 7]);
    applyNeoxRope(v, 0, table, 0);
    expect([...v]).toEqual([0.5, -2, 3, 7]);
  });
});
