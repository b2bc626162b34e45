import { describe, expect, it } from "vitest";
import { routeTopK } from "./mixture-of-experts.js";

describe("routeTopK", () => {
  it("picks the K largest logits and softmaxes over those K only", () => {
    const r = routeTopK([1, 3, 2, 0], 2);
    expect(r.experts).toEqual([1, 2]);
    const e = Math.E;
    expect(r.weights[0]).toBeCloseTo(e / (1 + e), 15);
    expect(r.weights[1]).toBeCloseTo(1 / (1 + e), 15);
    expect(r.gap).toBe(1);
  });

  it("gives weight 1 to a single expert whatever its logit", () => {
    expect(routeTopK([-50], 1)).toEqual({ experts: [0], weights: [1], gap: Number.POSITIVE_INFINITY });
  });

  it("orders by logit, including negative ones", () => {
    expect(routeTopK([-3, -1, -2], 3).experts).toEqual([1, 2, 0]);
  });
});
