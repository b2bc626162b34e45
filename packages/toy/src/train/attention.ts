/**
 * gpt-oss attention core as llama.cpp computes it with flash attention off (reference/gpt-oss-forward.md §2.3):
 * scores z_j = (q·k_j)/√D over the visible keys (causal; on sliding-window layers only the last `window`
 * positions), a per-head sink s added unscaled to the softmax denominator only, a_j = e^{z_j}/(Σe^{z} + e^{s}),
 * o = Σ a_j v_j. Query head h uses KV head ⌊h / (H/G)⌋.
 *
 * The products run on the kernels over whole [T][T] score matrices per head (the masked half costs little:
 * gemmAcc skips zero tiles); the softmax and its backward are plain loops. Probabilities are exactly 0 where a
 * key is masked, which is what lets the products ignore the mask.
 */
import { FLUSH_TO_ZERO_BELOW, type Kernels } from "./kernels.js";
import type { Floats } from "./param-layout.js";

export interface AttentionDims {
  rows: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Keys visible to a query: itself and window−1 earlier ones (Infinity on full-attention layers). */
  window: number;
}

export interface AttentionSaved {
  /** [heads][rows][rows]: a_j, 0 for masked keys. */
  probs: Floats;
  /** [heads][rows]: e^{s−M}/Z, the mass the sink takes. */
  sinkProbs: Floats;
}

/** What the forward and backward passes derive from the dims: query heads per KV head, the score scale, strides. */
function geometry({ rows, heads, kvHeads, headDim, window }: AttentionDims) {
  return {
    T: rows,
    heads,
    D: headDim,
    window,
    group: heads / kvHeads,
    scale: Math.fround(1 / Math.sqrt(headDim)),
    qStride: heads * headDim,
    kvStride: kvHeads * headDim,
  };
}

function firstVisible(t: number, window: number): number {
  return window === Number.POSITIVE_INFINITY ? 0 : Math.max(0, t - window + 1);
}

/** o[t][h·D…] for every query row; q and k are already rotated. */
export function attentionForward(
  kern: Kernels,
  q: Floats,
  k: Floats,
  v: Floats,
  sinks: Floats,
  dims: AttentionDims,
  saved: AttentionSaved,
  o: Floats,
): void {
  const { T, heads, D, window, group, scale, qStride, kvStride } = geometry(dims);
  const { probs, sinkProbs } = saved;
  o.fill(0, 0, T * qStride);
  for (let h = 0; h < heads; h++) {
    const kvOff = Math.floor(h / group) * D;
    const sink = sinks[h] as number;
    const pHead = h * T * T;
    kern.dot(q, h * D, qStride, k, kvOff, kvStride, probs, pHead, T, T, T, D);
    for (let t = 0; t < T; t++) {
      const pRow = pHead + t * T;
      const j0 = firstVisible(t, window);
      let max = sink;
      for (let j = j0; j <= t; j++) {
        const z = (probs[pRow + j] as number) * scale;
        probs[pRow + j] = z;
        if (z > max) max = z;
      }
      const sinkExp = Math.exp(sink - max);
      kern.exp(probs, pRow + j0, t - j0 + 1, max);
      let sum = sinkExp;
      for (let j = j0; j <= t; j++) sum += probs[pRow + j] as number;
      const inv = 1 / sum;
      sinkProbs[h * T + t] = sinkExp * inv;
      probs.fill(0, pRow, pRow + j0);
      for (let j = j0; j <= t; j++) {
        const a = (probs[pRow + j] as number) * inv;
        probs[pRow + j] = a < FLUSH_TO_ZERO_BELOW ? 0 : a;
      }
      probs.fill(0, pRow + t + 1, pRow + T);
    }
    kern.gemmAcc(probs, pHead, T, 1, v, kvOff, kvStride, o, h * D, qStride, T, T, D);
  }
}

/**
 * Accumulates dq, dk, dv and dSinks from dOut. Softmax backward over keys and sink together, the sink having no
 * value: dz_j = a_j(da_j − ρ) with ρ = Σ_j a_j da_j, and ds = −a_sink·ρ. `scratch` is [rows][rows].
 */
export function attentionBackward(
  kern: Kernels,
  q: Floats,
  k: Floats,
  v: Floats,
  dims: AttentionDims,
  saved: AttentionSaved,
  dOut: Floats,
  dq: Floats,
  dk: Floats,
  dv: Floats,
  dSinks: Floats,
  scratch: Floats,
): void {
  const { T, heads, D, window, group, scale, qStride, kvStride } = geometry(dims);
  const { probs, sinkProbs } = saved;
  for (let h = 0; h < heads; h++) {
    const kvOff = Math.floor(h / group) * D;
    const pHead = h * T * T;
    // dv += Pᵀ·dO and da = dO·Vᵀ, then da becomes dz in place.
    kern.gemmAcc(probs, pHead, 1, T, dOut, h * D, qStride, dv, kvOff, kvStride, T, T, D);
    kern.dot(dOut, h * D, qStride, v, kvOff, kvStride, scratch, 0, T, T, T, D);
    let dSink = 0;
    for (let t = 0; t < T; t++) {
      const pRow = pHead + t * T;
      const row = t * T;
      const j0 = firstVisible(t, window);
      let rho = 0;
      for (let j = j0; j <= t; j++) rho += (probs[pRow + j] as number) * (scratch[row + j] as number);
      dSink -= (sinkProbs[h * T + t] as number) * rho;
      scratch.fill(0, row, row + j0);
      for (let j = j0; j <= t; j++) {
        const dz = (probs[pRow + j] as number) * ((scratch[row + j] as number) - rho) * scale;
        scratch[row + j] = Math.abs(dz) < FLUSH_TO_ZERO_BELOW ? 0 : dz;
      }
      scratch.fill(0, row + t + 1, row + T);
    }
    dSinks[h] = (dSinks[h] as number) + dSink;
    kern.gemmAcc(scratch, 0, T, 1, k, kvOff, kvStride, dq, h * D, qStride, T, T, D);
    kern.gemmAcc(scratch, 0, 1, T, q, h * D, qStride, dk, kvOff, kvStride, T, T, D);
  }
}
