/**
 * RMSNorm as llama.cpp computes it for gpt-oss: y = x / √(mean(x²) + ε) ⊙ γ — no bias, no (1 + γ) offset
 * (reference/gpt-oss-forward.md §2.1) — forward and backward, row by row.
 */
import type { Floats } from "./param-layout.js";

/** y[t] = x[t]·r[t]·γ with r[t] = 1/√(mean(x[t]²) + ε); r is saved for the backward pass. */
export function rmsNormForward(
  x: Floats,
  rows: number,
  n: number,
  gamma: Floats,
  eps: number,
  y: Floats,
  r: Floats,
): void {
  for (let t = 0; t < rows; t++) {
    const base = t * n;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = x[base + i] as number;
      sum += v * v;
    }
    const scale = 1 / Math.sqrt(sum / n + eps);
    r[t] = scale;
    for (let i = 0; i < n; i++) y[base + i] = (x[base + i] as number) * scale * (gamma[i] as number);
  }
}

/**
 * Accumulates dγ[i] += Σ_t dy·x·r and dx += r·(γ⊙dy) − x·r³·⟨γ⊙dy, x⟩/n, using the r the forward saved (as a
 * float32 array it holds the rounded value, which is the one that scaled y).
 */
export function rmsNormBackward(
  x: Floats,
  dy: Floats,
  rows: number,
  n: number,
  gamma: Floats,
  r: Floats,
  dx: Floats,
  dGamma: Floats,
): void {
  for (let t = 0; t < rows; t++) {
    const base = t * n;
    const scale = r[t] as number;
    let inner = 0;
    for (let i = 0; i < n; i++) {
      const g = (dy[base + i] as number) * (gamma[i] as number);
      inner += g * (x[base + i] as number);
      dGamma[i] = (dGamma[i] as number) + (dy[base + i] as number) * (x[base + i] as number) * scale;
    }
    const k = (inner * scale * scale * scale) / n;
    for (let i = 0; i < n; i++) {
      const g = (dy[base + i] as number) * (gamma[i] as number);
      dx[base + i] = (dx[base + i] as number) + scale * g - (x[base + i] as number) * k;
    }
  }
}
