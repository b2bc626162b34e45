/**
 * NEOX rotary embeddings with YaRN exactly as llama.cpp v0.5.0 computes them (reference/gpt-oss-forward.md §1.3;
 * ggml/src/ggml-cpu/ops.cpp rope_yarn, ggml.c ggml_rope_yarn_corr_dims, llama-context.cpp:173-214). The detail
 * that matters most: llama.cpp rounds YaRN's correction range to whole pair indices (floor/ceil) where OpenAI's
 * and HF's code keep it fractional; on a toy model the unrounded range moves logits by ~0.07, not ~1e-4.
 */
import type { RopeParameters } from "./hyperparameters.js";

/** The RoPE settings of one layer: sliding-window layers have their own base and scale. */
export interface LayerRope {
  freqBase: number;
  freqScale: number;
}

/** cos and sin per position and pair, magnitude factor included; pair d of a head is (v[d], v[d + D/2]). */
export interface RopeTable {
  pairs: number;
  /** Index `position · pairs + d`. */
  cos: Float64Array;
  sin: Float64Array;
}

/** ggml_rope_yarn_corr_dim: the pair index whose wavelength spans `nCtxOrig / beta` turns. */
function correctionDim(nDims: number, nCtxOrig: number, beta: number, base: number): number {
  return (nDims * Math.log(nCtxOrig / (beta * 2 * Math.PI))) / (2 * Math.log(base));
}

/** YaRN's blend range [lo, hi] in pair indices, rounded outwards as llama.cpp does. */
export function yarnCorrectionDims(
  nDims: number,
  nCtxOrig: number,
  freqBase: number,
  betaFast: number,
  betaSlow: number,
): { lo: number; hi: number } {
  return {
    lo: Math.max(0, Math.floor(correctionDim(nDims, nCtxOrig, betaFast, freqBase))),
    hi: Math.min(nDims - 1, Math.ceil(correctionDim(nDims, nCtxOrig, betaSlow, freqBase))),
  };
}

/** 1 below lo (pure extrapolation), 0 from hi on (pure interpolation), linear between; `d` is the pair index. */
export function yarnRamp(d: number, lo: number, hi: number): number {
  const y = (d - lo) / Math.max(0.001, hi - lo);
  return 1 - Math.min(1, Math.max(0, y));
}

/** 1 for YaRN, 0 otherwise (llama.cpp's default `yarn_ext_factor`). */
function extFactor(rope: RopeParameters): number {
  return rope.scalingType === "yarn" ? 1 : 0;
}

/**
 * The context's `yarn_attn_factor`: for YaRN, get_mscale(factor) cancelled by 1/(1 + 0.1·ln factor), so that
 * rope_yarn's own magnitude term is applied once; times `rope.scaling.attn_factor` in every case.
 */
export function yarnAttnFactor(rope: RopeParameters): number {
  let attn = 1;
  if (extFactor(rope) !== 0) {
    const factor = 1 / rope.freqScale;
    const mscale = factor <= 1 ? 1 : 0.1 * Math.log(factor) + 1;
    attn = mscale * (1 / (1 + 0.1 * Math.log(factor)));
  }
  return attn * rope.attnFactor;
}

/** The factor on every rotated component of a layer: for gpt-oss 1 + 0.1·ln 32 = 1.3465736. */
export function ropeMagnitude(rope: RopeParameters, layer: LayerRope): number {
  const attn = yarnAttnFactor(rope);
  return extFactor(rope) === 0 ? attn : attn * (1 + 0.1 * Math.log(1 / layer.freqScale));
}

/** Tables for positions 0 … positions−1 of a layer with `headDim` rotated dimensions. */
export function ropeTable(
  rope: RopeParameters,
  layer: LayerRope,
  headDim: number,
  positions: number,
): RopeTable {
  const pairs = headDim / 2;
  const ext = extFactor(rope);
  const { lo, hi } = yarnCorrectionDims(
    headDim,
    rope.originalContext,
    layer.freqBase,
    rope.betaFast,
    rope.betaSlow,
  );
  const magnitude = ropeMagnitude(rope, layer);
  const cos = new Float64Array(positions * pairs);
  const sin = new Float64Array(positions * pairs);
  for (let d = 0; d < pairs; d++) {
    const inverseFrequency = layer.freqBase ** ((-2 * d) / headDim);
    const mix = ext === 0 ? 0 : yarnRamp(d, lo, hi) * ext;
    for (let p = 0; p < positions; p++) {
      const extrapolated = p * inverseFrequency;
      const interpolated = layer.freqScale * extrapolated;
      const theta = interpolated * (1 - mix) + extrapolated * mix;
      cos[p * pairs + d] = Math.cos(theta) * magnitude;
      sin[p * pairs + d] = Math.sin(theta) * magnitude;
    }
  }
  return { pairs, cos, sin };
}

/** Rotate one head vector `v[offset … offset + 2·pairs)` in place for `position` (NEOX pairs (d, d + D/2)). */
export function applyNeoxRope(v: Float64Array, offset: number, table: RopeTable, position: number): void {
  const { pairs, cos, sin } = table;
  const row = position * pairs;
  for (let d = 0; d < pairs; d++) {
    const c = cos[row + d] as number;
    const s = sin[row + d] as number;
    const x0 = v[offset + d] as number;
    const x1 = v[offset + d + pairs] as number;
    v[offset + d] = x0 * c - x1 * s;
    v[offset + d + pairs] = x0 * s + x1 * c;
  }
}
