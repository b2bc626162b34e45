import { describe, expect, it } from "vitest";
import { hashName, SeededRandom } from "./seeded-random.js";

const draw = (r: SeededRandom, n: number) => Array.from({ length: n }, () => r.nextU32());

describe("SeededRandom", () => {
  it("is pinned: these values are what every tiny model's bytes rest on", () => {
    // A change here changes every generated model; update the numbers only on purpose.
    expect(draw(new SeededRandom(1), 4)).toEqual([2321967408, 3149285087, 296867627, 3113483762]);
    expect(hashName("token_embd.weight")).toBe(558326375);
    expect(draw(new SeededRandom(0, hashName("token_embd.weight")), 2)).toEqual([818620547, 776642550]);
  });

  it("repeats for the same seed and stream, and differs across seeds and streams", () => {
    const a = draw(new SeededRandom(42, 7), 64);
    expect(draw(new SeededRandom(42, 7), 64)).toEqual(a);
    expect(draw(new SeededRandom(43, 7), 64)).not.toEqual(a);
    expect(draw(new SeededRandom(42, 8), 64)).not.toEqual(a);
    // Neighbouring seeds must not give shifted copies of one sequence.
    const b = new Set(draw(new SeededRandom(43, 7), 64));
    expect(a.filter((x) => b.has(x))).toEqual([]);
  });

  it("accepts the whole u32 seed range", () => {
    expect(draw(new SeededRandom(0xffffffff), 8)).not.toEqual(draw(new SeededRandom(0), 8));
  });

  it("fills uniform values with mean 0 and the requested standard deviation", () => {
    const out = new Float32Array(200_000);
    new SeededRandom(3).fillUniform(out, 0.25);
    let sum = 0;
    let sq = 0;
    let max = 0;
    for (const v of out) {
      sum += v;
      sq += v * v;
      max = Math.max(max, Math.abs(v));
    }
    const mean = sum / out.length;
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(Math.sqrt(sq / out.length - mean * mean)).toBeCloseTo(0.25, 2);
    expect(max).toBeLessThanOrEqual(0.25 * Math.sqrt(3));
    expect(max).toBeGreaterThan(0.25 * Math.sqrt(3) * 0.999);
  });

  it("next() stays in [0, 1)", () => {
    const r = new SeededRandom(9);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(min).toBeLessThan(0.001);
    expect(max).toBeLessThan(1);
    expect(max).toBeGreaterThan(0.999);
  });
});
