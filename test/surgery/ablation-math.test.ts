/**
 * The ablation arithmetic against the dense formulas of shared/reference/surgery.md §1.3 (d)/(c) and §8, on
 * seeded random matrices: W' = W − s·r̂(r̂ᵀW) streamed in row batches equals the formula computed at once; at
 * s = 1 nothing is written along r̂ any more; the norm-preserving variant keeps every column's norm (column, not
 * row, normalisation) and still removes r̂; residual vectors (biases, embedding rows) likewise.
 */
import { describe, expect, it } from "vitest";
import {
  type Ablation,
  ColumnStats,
  editRows,
  editVectors,
  unitDirection,
} from "../../packages/overtone/src/surgery/index.js";

/** Small deterministic generator (mulberry32), values in [-1, 1). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  };
}

const ROWS = 7; // the residual width: the writer's outputs
const COLS = 5; // its inputs
const next = random(17);
const W = Float32Array.from({ length: ROWS * COLS }, next);
const r = unitDirection(Float32Array.from({ length: ROWS }, next));

/** r̂ᵀW, column by column, in float64. */
function write(m: Float32Array, dir: Float32Array): number[] {
  return Array.from({ length: COLS }, (_, j) => {
    let sum = 0;
    for (let i = 0; i < ROWS; i++) sum += (dir[i] as number) * (m[i * COLS + j] as number);
    return sum;
  });
}

function columnNorms(m: Float32Array): number[] {
  return Array.from({ length: COLS }, (_, j) =>
    Math.hypot(...Array.from({ length: ROWS }, (_, i) => m[i * COLS + j] as number)),
  );
}

/** The streamed edit: statistics over two batches of rows, then the edit over two other batches. */
function streamed(a: Ablation): Float32Array {
  const stats = new ColumnStats(a.direction, COLS);
  stats.accumulate(W.subarray(0, 3 * COLS), 0);
  stats.accumulate(W.subarray(3 * COLS), 3);
  const out = Float32Array.from(W);
  editRows(out.subarray(0, 4 * COLS), 0, stats, a);
  editRows(out.subarray(4 * COLS), 4, stats, a);
  return out;
}

describe("writer ablation (output axis)", () => {
  it("equals W − s·r̂(r̂ᵀW) computed at once, and removes r̂ at s = 1", () => {
    for (const scale of [1, 0.5, -1]) {
      const got = streamed({ direction: r, scale, normPreserve: false });
      const u = write(W, r);
      const expected = W.map(
        (w, k) => w - scale * (r[Math.floor(k / COLS)] as number) * (u[k % COLS] as number),
      );
      for (let k = 0; k < W.length; k++) expect(got[k]).toBeCloseTo(expected[k] as number, 6);
      const left = write(got, r);
      left.forEach((x, j) => {
        expect(x).toBeCloseTo((1 - scale) * (u[j] as number), 6);
      });
    }
  });

  it("norm-preserving: every column keeps its norm and r̂ is gone at s = 1", () => {
    const got = streamed({ direction: r, scale: 1, normPreserve: true });
    const before = columnNorms(W);
    columnNorms(got).forEach((n, j) => {
      expect(n).toBeCloseTo(before[j] as number, 5);
    });
    for (const x of write(got, r)) expect(Math.abs(x)).toBeLessThan(1e-6);
    // Half a removal: the norm is kept and r̂'s share of each column shrinks.
    const half = streamed({ direction: r, scale: 0.5, normPreserve: true });
    columnNorms(half).forEach((n, j) => {
      expect(n).toBeCloseTo(before[j] as number, 5);
    });
    const share = (m: Float32Array) => write(m, r).map((x, j) => Math.abs(x) / (columnNorms(m)[j] as number));
    share(half).forEach((s, j) => {
      expect(s).toBeLessThan(share(W)[j] as number);
    });
  });

  it("reports ‖r̂ᵀW‖", () => {
    const stats = new ColumnStats(r, COLS);
    stats.accumulate(W, 0);
    expect(stats.writeNorm()).toBeCloseTo(Math.hypot(...write(W, r)), 6);
  });
});

describe("residual vectors (biases, embedding rows)", () => {
  it("v − s(r̂·v)r̂ for each row; norm-preserving keeps each row's norm", () => {
    const rows = Float32Array.from({ length: 3 * ROWS }, next);
    const plain = Float32Array.from(rows);
    const moved = editVectors(plain, { direction: r, scale: 1, normPreserve: false });
    expect(moved.before).toBeGreaterThan(0.1);
    expect(moved.after).toBeLessThan(1e-6);
    const kept = Float32Array.from(rows);
    editVectors(kept, { direction: r, scale: 1, normPreserve: true });
    for (let row = 0; row < 3; row++) {
      const norm = (m: Float32Array) => Math.hypot(...m.subarray(row * ROWS, (row + 1) * ROWS));
      expect(norm(kept)).toBeCloseTo(norm(rows), 5);
      let dot = 0;
      for (let i = 0; i < ROWS; i++) dot += (r[i] as number) * (kept[row * ROWS + i] as number);
      expect(Math.abs(dot)).toBeLessThan(1e-6);
    }
  });
});

describe("the direction", () => {
  it("is normalised; sparsity keeps the largest components; zero is refused", () => {
    const d = unitDirection(Float32Array.from([3, -4, 0.5, 0.1]));
    expect(Math.hypot(...d)).toBeCloseTo(1, 6);
    const sparse = unitDirection(Float32Array.from([3, -4, 0.5, 0.1]), 0.5);
    expect([...sparse].map((x) => Number(x.toFixed(3)))).toEqual([0.6, -0.8, 0, 0]);
    expect(() => unitDirection(new Float32Array(4))).toThrow(/zero/);
  });
});
