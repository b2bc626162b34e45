/**
 * The report's statistics on known data: quantiles equal DuckDB's own quantile_cont (the report's definition of
 * median and p90), bootstrap intervals are reproducible from a seed and change with it, and the order-statistic
 * shortcut (statistics.ts) gives the same interval as the textbook resampling loop it replaces.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
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

/** The textbook percentile bootstrap: resample n values with replacement, sort, take the quantile; repeat. */
function naiveInterval(values: readonly number[], q: number, resamples: number, seed: number) {
  const random = uniforms(seed);
  const estimates: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample = Float64Array.from(
      values,
      () => values[Math.floor(random() * values.length)] as number,
    ).sort();
    estimates.push(quantile(sample, q));
  }
  const sorted = Float64Array.from(estimates).sort();
  return { low: quantile(sorted, 0.025), high: quantile(sorted, 0.975) };
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
    const width = (sorted.at(-1) as number) - (sorted[0] as number);
    for (const q of [0.5, 0.9]) {
      const fast = bootstrapInterval(sorted, q, 20_000, 11);
      const slow = naiveInterval(values, q, 20_000, 12);
      expect(Math.abs(fast.low - slow.low)).toBeLessThan(0.02 * width);
      expect(Math.abs(fast.high - slow.high)).toBeLessThan(0.02 * width);
    }
  });

  it("collapse to the value when every call measured the same, and for one call", () => {
    expect(summarize([5, 5, 5, 5, 5], "same")?.medianCi).toEqual({ low: 5, high: 5 });
    expect(summarize([3], "one")?.p90Ci).toEqual({ low: 3, high: 3 });
  });
});
