/**
 * NEOX RoPE with YaRN as llama.cpp computes it for gpt-oss (reference/gpt-oss-forward.md §1.3): pair d of a head
 * is (v[d], v[d + D/2]); the angle mixes interpolated and extrapolated frequencies by a ramp over llama.cpp's
 * rounded (floor/ceil) correction range, and cos and sin carry the magnitude factor 1 + 0.1·ln(factor). The
 * tables are built the way ggml builds its cache — float32 steps, the angle advanced by repeated ×theta_scale —
 * so they match llama.cpp's to the last bit or two, not just in formula.
 */
import { GPT_OSS_FIXED } from "@overtone/makers";
import type { Floats } from "./param-layout.js";

const f = Math.fround;
const BETA_FAST = 32;
const BETA_SLOW = 1;

export interface RopeTables {
  headDim: number;
  positions: number;
  /** [position][pair], magnitude included. */
  cos: Float64Array;
  sin: Float64Array;
}

function correctionDim(nDims: number, nCtxOrig: number, beta: number, base: number): number {
  return f((nDims * f(Math.log(f(nCtxOrig / f(beta * 2 * f(Math.PI)))))) / f(2 * f(Math.log(base))));
}

/** The YaRN correction range [lo, hi] for a head size, rounded as ggml_rope_yarn_corr_dims rounds it. */
export function yarnCorrectionRange(headDim: number): [number, number] {
  const base = GPT_OSS_FIXED.ropeFreqBase;
  const ctx = GPT_OSS_FIXED.ropeOriginalContext;
  const lo = Math.max(0, Math.floor(correctionDim(headDim, ctx, BETA_FAST, base)));
  const hi = Math.min(headDim - 1, Math.ceil(correctionDim(headDim, ctx, BETA_SLOW, base)));
  return [lo, hi];
}

export function ropeTables(headDim: number, positions: number): RopeTables {
  const half = headDim / 2;
  const freqScale = f(1 / GPT_OSS_FIXED.ropeScalingFactor);
  const thetaScale = f(GPT_OSS_FIXED.ropeFreqBase ** (-2 / headDim));
  const [lo, hi] = yarnCorrectionRange(headDim);
  const mscale = f(1 + f(0.1 * f(Math.log(f(1 / freqScale)))));
  const cos = new Float64Array(positions * half);
  const sin = new Float64Array(positions * half);
  for (let p = 0; p < positions; p++) {
    let thetaExtrap = f(p);
    for (let d = 0; d < half; d++) {
      const thetaInterp = f(freqScale * thetaExtrap);
      const ramp = 1 - Math.min(1, Math.max(0, f((d - lo) / Math.max(0.001, hi - lo))));
      const theta = f(f(thetaInterp * f(1 - ramp)) + f(thetaExtrap * ramp));
      cos[p * half + d] = f(f(Math.cos(theta)) * mscale);
      sin[p * half + d] = f(f(Math.sin(theta)) * mscale);
      thetaExtrap = f(thetaExtrap * thetaScale);
    }
  }
  return { headDim, positions, cos, sin };
}

/** Rotates every head of x ([rows][heads·D], position = row) in place. */
export function ropeForward(x: Floats, rows: number, heads: number, tables: RopeTables): void {
  rotate(x, rows, heads, tables, 1);
}

/** The transpose rotation: turns a gradient with respect to the rotated x into one for the input, in place. */
export function ropeBackward(dx: Floats, rows: number, heads: number, tables: RopeTables): void {
  rotate(dx, rows, heads, tables, -1);
}

function rotate(x: Floats, rows: number, heads: number, tables: RopeTables, direction: 1 | -1): void {
  const D = tables.headDim;
  const half = D / 2;
  if (rows > tables.positions)
    throw new RangeError(`RoPE tables cover ${tables.positions} positions, not ${rows}`);
  for (let t = 0; t < rows; t++) {
    const tb = t * half;
    for (let h = 0; h < heads; h++) {
      const base = (t * heads + h) * D;
      for (let d = 0; d < half; d++) {
        const c = tables.cos[tb + d] as number;
        const s = direction * (tables.sin[tb + d] as number);
        const a = x[base + d] as number;
        const b = x[base + d + half] as number;
        x[base + d] = a * c - b * s;
        x[base + d + half] = a * s + b * c;
      }
    }
  }
}
