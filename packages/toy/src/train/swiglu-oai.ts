/**
 * gpt-oss's clamped SwiGLU (ggml_swiglu_oai, alpha 1.702, limit 7; reference/gpt-oss-forward.md §2.7):
 * a = min(g, 7) · σ(1.702·min(g, 7)) · (clamp(u, −7, 7) + 1). Where a clamp is active its input gets no
 * gradient, exactly as the function's derivative says. The forward saves σ so the backward needs no exp.
 */
import { FLUSH_TO_ZERO_BELOW, type Kernels } from "./kernels.js";
import type { Floats } from "./param-layout.js";

export const SWIGLU_ALPHA = 1.702;
export const SWIGLU_LIMIT = 7;

/** a = swiglu_oai(g, u); sigma receives σ(1.702·min(g, 7)) for the backward pass. */
export function swigluOaiForward(
  kern: Kernels,
  g: Floats,
  u: Floats,
  count: number,
  a: Floats,
  sigma: Floats,
): void {
  for (let i = 0; i < count; i++) sigma[i] = -SWIGLU_ALPHA * Math.min(g[i] as number, SWIGLU_LIMIT);
  kern.exp(sigma, 0, count, 0);
  for (let i = 0; i < count; i++) {
    const x = Math.min(g[i] as number, SWIGLU_LIMIT);
    const y = Math.min(Math.max(u[i] as number, -SWIGLU_LIMIT), SWIGLU_LIMIT);
    const exact = 1 / (1 + (sigma[i] as number));
    const s = exact < FLUSH_TO_ZERO_BELOW ? 0 : exact;
    sigma[i] = s;
    a[i] = x * s * (y + 1);
  }
}

/** Writes dg and du from da (g, u are the pre-activations the forward saw, sigma what it saved). */
export function swigluOaiBackward(
  g: Floats,
  u: Floats,
  sigma: Floats,
  da: Floats,
  count: number,
  dg: Floats,
  du: Floats,
): void {
  for (let i = 0; i < count; i++) {
    const gi = g[i] as number;
    const ui = u[i] as number;
    const x = Math.min(gi, SWIGLU_LIMIT);
    const y = Math.min(Math.max(ui, -SWIGLU_LIMIT), SWIGLU_LIMIT);
    const s = sigma[i] as number;
    const d = da[i] as number;
    dg[i] = gi < SWIGLU_LIMIT ? d * (s + x * SWIGLU_ALPHA * s * (1 - s)) * (y + 1) : 0;
    du[i] = ui > -SWIGLU_LIMIT && ui < SWIGLU_LIMIT ? d * x * s : 0;
  }
}
