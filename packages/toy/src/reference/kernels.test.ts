import { describe, expect, it } from "vitest";
import { matVec, rmsNormRows, swigluOai } from "./kernels.js";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("swigluOai (alpha 1.702, limit 7)", () => {
  it("is x·σ(1.702x)·(y + 1) inside the clamps", () => {
    expect(swigluOai(0.5, 2)).toBeCloseTo(0.5 * sigmoid(1.702 * 0.5) * 3, 14);
    expect(swigluOai(0, 5)).toBe(0);
  });

  it("clamps the gate from above only", () => {
    expect(swigluOai(10, 0)).toBeCloseTo(7 * sigmoid(1.702 * 7), 14);
    expect(swigluOai(-10, 0)).toBeCloseTo(-10 * sigmoid(-17.02), 14);
  });

  it("clamps up to [−7, 7] before adding 1", () => {
    expect(swigluOai(1, 100)).toBeCloseTo(sigmoid(1.702) * 8, 14);
    expect(swigluOai(1, -100)).toBeCloseTo(sigmoid(1.702) * -6, 14);
  });
});

describe("rmsNormRows", () => {
  it("divides each row by its root mean square, then multiplies by γ", () => {
    const out = rmsNormRows(new Float64Array([3, 4, 0, 2]), 2, new Float32Array([1, 2]), 0);
    const rms = Math.sqrt(12.5);
    expect(out[0]).toBeCloseTo(3 / rms, 14);
    expect(out[1]).toBeCloseTo(8 / rms, 14);
    expect(out[2]).toBe(0);
    expect(out[3]).toBeCloseTo(2 * Math.SQRT2, 14); // rms of [0, 2] is √2
  });
});

describe("matVec", () => {
  it("applies a weight of ne {nIn, nOut} as rows of nIn, plus the bias", () => {
    const w = new Float32Array([1, 2, 3, 4, 5, 6]); // two rows of three
    const out = new Float64Array(2);
    matVec(w, 0, 3, 2, new Float64Array([1, 0, -1]), 0, out, 0, new Float32Array([10, 20]));
    expect([...out]).toEqual([1 - 3 + 10, 4 - 6 + 20]);
  });
});
