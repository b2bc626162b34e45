import { describe, expect, it } from "vitest";
import { keyVisible, softmaxWithSink } from "./attention.js";

describe("keyVisible", () => {
  it("is causal", () => {
    expect(keyVisible(3, 3, undefined)).toBe(true);
    expect(keyVisible(3, 4, undefined)).toBe(false);
    expect(keyVisible(100, 0, undefined)).toBe(true);
  });

  it("with window n shows a query itself and the n − 1 keys before it", () => {
    expect(keyVisible(10, 6, 5)).toBe(true);
    expect(keyVisible(10, 5, 5)).toBe(false);
    expect(keyVisible(4, 0, 5)).toBe(true);
  });
});

describe("softmaxWithSink", () => {
  it("counts the sink in the denominator only: logit 0 with two keys of logit 0 leaves 1/3 each", () => {
    const out = new Float64Array(2);
    softmaxWithSink(new Float64Array([0, 0]), 2, 0, out);
    expect(out[0]).toBeCloseTo(1 / 3, 15);
    expect(out[1]).toBeCloseTo(1 / 3, 15);
  });

  it("is a plain softmax for a very negative sink", () => {
    const out = new Float64Array(2);
    softmaxWithSink(new Float64Array([Math.log(3), 0]), 2, -1e4, out);
    expect(out[0]).toBeCloseTo(0.75, 15);
    expect(out[1]).toBeCloseTo(0.25, 15);
  });

  it("stays finite when the sink dominates", () => {
    const out = new Float64Array(1);
    softmaxWithSink(new Float64Array([-800]), 1, 800, out);
    expect(out[0]).toBe(0);
  });
});
