/**
 * The report's statistics on known data: quantiles equal DuckDB's own quantile_cont (the report's definition of
 * median and p90), bootstrap intervals are reproducible from a seed and change with it, and the order-statistic
 * shortcut (statistics.ts) gives the same interval as the textbook resampling loop it replaces.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  bootstrapEstimates,
  bootstrapInterval,
  quantile,
  summarize,
  uniforms,
} from "../../packages/overtone/src/bench/statistics.js";

const KNOWN = [12, 7, 3, 4.5, 20, 9, 9, 1, 15, 6.25, 30, 2];

async function duckQuantiles(values: readonly number[], qs: readonly number[]): Promise<number[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const rows = values.map((v) => `(${v}::DOUBLE)`).join(", ");
    const reader = await connection.runAndReadAll(
      `SELECT ${qs.map((q, i) => `quantile_cont(x, ${q}) AS q${i}`).join(", ")} FROM (VALUES ${rows}) t(x)`,
    );
    return qs.map((_, i) => Number(reader.getRowObjectsJS()[0]?.[`q${i}`]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The textbook bootstrap: resample n values with replacement, sort, take the quantile; once per resample. */
function naiveEstimates(values: readonly number[], q: number, resamples: number, seed: number): Float64Array {
  const random = uniforms(seed);
  const estimates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const sample = Float64Array.from(
      values,
      () => values[Math.floor(random() * values.length)] as number,
    ).sort();
    estimates[r] = quantile(sample, q);
  }
  return estimates.sort();
}

function meanAndSd(values: Float64Array): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

describe("quantile", () => {
  it("equals DuckDB's quantile_cont on known data, odd and even counts, one value", async () => {
    const qs = [0, 0.1, 0.25, 0.5, 0.9, 0.99, 1];
    for (const values of [KNOWN, KNOWN.slice(0, 7), [42]]) {
      const sorted = Float64Array.from(values).sort();
      const ours = qs.map((q) => quantile(sorted, q));
      const duck = await duckQuantiles(values, qs);
      for (const [i, value] of ours.entries()) expect(value).toBeCloseTo(duck[i] as number, 12);
    }
  });

  it("gives the hand-computed median and p90 of the known data", () => {
    const summary = summarize(KNOWN, "k");
    // Sorted: 1 2 3 4.5 6.25 7 9 9 12 15 20 30; median between 7 and 9; p90 at h = 9.9 → 15 + 0.9·5.
    expect(summary?.median).toBe(8);
    expect(summary?.p90).toBeCloseTo(19.5, 12);
    expect(summarize([], "k")).toBeNull();
  });
});

describe("bootstrap intervals", () => {
  it("are reproducible with a seed, change with another, and bound the estimate", () => {
    const random = uniforms(5);
    // Continuous data: with few distinct values two seeds can land on the same order statistics.
    const values = Array.from({ length: 40 }, () => 100 + 50 * random());
    const a = summarize(values, "group/latency", { seed: 7 });
    const b = summarize(values, "group/latency", { seed: 7 });
    const c = summarize(values, "group/latency", { seed: 8 });
    expect(a).toEqual(b);
    expect(c?.medianCi).not.toEqual(a?.medianCi);
    for (const s of [a, c]) {
      expect(s?.medianCi.low).toBeLessThanOrEqual(s?.median as number);
      expect(s?.medianCi.high).toBeGreaterThanOrEqual(s?.median as number);
      expect(s?.p90Ci.low).toBeLessThanOrEqual(s?.p90 as number);
    }
  });

  it("agree with the textbook resampling loop (the same distribution, drawn differently)", () => {
    const random = uniforms(3);
    const values = Array.from({ length: 60 }, () => Math.exp(3 + random()));
    const sorted = Float64Array.from(values).sort();
    const range = (sorted.at(-1) as number) - (sorted[0] as number);
    for (const q of [0.5, 0.9]) {
      const fast = bootstrapEstimates(sorted, q, 20_000, 11).sort();
      const slow = naiveEstimates(values, q, 20_000, 12);
      // Mean and spread of the two distributions: Monte Carlo error ~0.1% of the range; one rank off is ~1.7%.
      const [f, s] = [meanAndSd(fast), meanAndSd(slow)];
      expect(Math.abs(f.mean - s.mean)).toBeLessThan(0.005 * range);
      expect(Math.abs(f.sd - s.sd)).toBeLessThan(0.005 * range);
      for (const p of [0.025, 0.25, 0.5, 0.75, 0.975]) {
        expect(Math.abs(quantile(fast, p) - quantile(slow, p))).toBeLessThan(0.03 * range);
      }
      expect(bootstrapInterval(sorted, q, 20_000, 11)).toEqual({
        low: quantile(fast, 0.025),
        high: quantile(fast, 0.975),
      });
    }
  });

  it("collapse to the value when every call measured the same, and for one call", () => {
    expect(summarize([5, 5, 5, 5, 5], "same")?.medianCi).toEqual({ low: 5, high: 5 });
    expect(summarize([3], "one")?.p90Ci).toEqual({ low: 3, high: 3 });
  });
});
