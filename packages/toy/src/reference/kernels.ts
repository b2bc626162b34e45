/**
 * The elementwise and matrix kernels of the reference forward pass, in float64 over float32 weights. llama.cpp
 * computes in float32 (with some sums in double); doing everything in float64 here makes the reference the
 * precise side of the comparison, so a parity gap measures llama.cpp's rounding, not ours.
 */

/**
 * out[outOffset + o] = Σ_i W[wOffset + o·nIn + i] · x[xOffset + i] (+ bias[biasOffset + o]): ggml_mul_mat
 * with `W` of ne {nIn, nOut}, i.e. a PyTorch Linear weight of shape [nOut, nIn].
 */
export function matVec(
  w: Float32Array,
  wOffset: number,
  nIn: number,
  nOut: number,
  x: Float64Array,
  xOffset: number,
  out: Float64Array,
  outOffset: number,
  bias?: Float32Array,
  biasOffset = 0,
): void {
  for (let o = 0; o < nOut; o++) {
    const row = wOffset + o * nIn;
    let sum = 0;
    for (let i = 0; i < nIn; i++) sum += (w[row + i] as number) * (x[xOffset + i] as number);
    out[outOffset + o] = bias === undefined ? sum : sum + (bias[biasOffset + o] as number);
  }
}

/** RMSNorm of every row of `x` (rows of `n`): x / √(mean(x²) + ε) ⊙ γ — no bias, no (1 + γ) offset. */
export function rmsNormRows(x: Float64Array, n: number, gamma: Float32Array, epsilon: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let row = 0; row < x.length; row += n) {
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (x[row + i] as number) ** 2;
    const scale = 1 / Math.sqrt(squares / n + epsilon);
    for (let i = 0; i < n; i++) out[row + i] = (x[row + i] as number) * scale * (gamma[i] as number);
  }
  return out;
}

/** swiglu_oai's constants (ggml_swiglu_oai(ctx, gate, up, alpha = 1.702, limit = 7.0)). */
export const SWIGLU_OAI_ALPHA = 1.702;
export const SWIGLU_OAI_LIMIT = 7;

/**
 * gpt-oss's gated activation: the gate clamped from above only, the up branch clamped on both sides and
 * shifted by one — x·σ(1.702x)·(y + 1) with x = min(g, 7), y = clamp(u, −7, 7).
 */
export function swigluOai(gate: number, up: number): number {
  const x = Math.min(gate, SWIGLU_OAI_LIMIT);
  const y = Math.min(Math.max(up, -SWIGLU_OAI_LIMIT), SWIGLU_OAI_LIMIT);
  return (x / (1 + Math.exp(-SWIGLU_OAI_ALPHA * x))) * (y + 1);
}

/** a += b, elementwise (the residual adds). */
export function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) + (b[i] as number);
}
