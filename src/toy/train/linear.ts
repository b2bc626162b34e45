/**
 * The dense layer y = W x + b over T rows, forward and backward, on the kernels (kernels.ts). W is
 * [nOut][nIn] (ggml's ne = {nIn, nOut}); rows are contiguous.
 */
import type { Kernels } from "./kernels.js";
import type { Floats } from "./param-layout.js";

/** y[t][o] = b[o] + Σ_i W[o][i]·x[t][i], for t < rows (overwrites y). */
export function linearForward(
  k: Kernels,
  x: Floats,
  rows: number,
  nIn: number,
  w: Floats,
  nOut: number,
  b: Floats | null,
  y: Floats,
): void {
  k.dot(x, 0, nIn, w, 0, nIn, y, 0, nOut, rows, nOut, nIn);
  if (b === null) return;
  for (let t = 0; t < rows; t++) {
    const base = t * nOut;
    for (let o = 0; o < nOut; o++) y[base + o] = (y[base + o] as number) + (b[o] as number);
  }
}

/**
 * Gradients of linearForward, accumulated: dx[t][i] += Σ_o dy[t][o]·W[o][i] (skipped when dx is null),
 * dW[o][i] += Σ_t dy[t][o]·x[t][i], db[o] += Σ_t dy[t][o].
 */
export function linearBackward(
  k: Kernels,
  x: Floats,
  dy: Floats,
  rows: number,
  nIn: number,
  w: Floats,
  nOut: number,
  dx: Floats | null,
  dw: Floats,
  db: Floats | null,
): void {
  if (dx !== null) k.gemmAcc(dy, 0, nOut, 1, w, 0, nIn, dx, 0, nIn, rows, nOut, nIn);
  k.gemmAcc(dy, 0, 1, nOut, x, 0, nIn, dw, 0, nIn, nOut, rows, nIn);
  if (db === null) return;
  for (let t = 0; t < rows; t++) {
    const base = t * nOut;
    for (let o = 0; o < nOut; o++) db[o] = (db[o] as number) + (dy[base + o] as number);
  }
}
