/**
 * The dense layer y = W x + b over T rows, forward and backward, on the kernels (kernels.ts). W is
 * [nOut][nIn] (ggml's ne = {nIn, nOut}); rows are contiguous. `one` holds a 1 in kernel memory: bias terms are
 * products with it, so they run in the kernels too.
 */
import type { Kernels } from "./kernels.js";
import type { Floats } from "./param-layout.js";

/** y[t][o] = b[o] + Σ_i W[o][i]·x[t][i], for t < rows (overwrites y). */
export function linearForward(
  k: Kernels,
  one: Floats,
  x: Floats,
  rows: number,
  nIn: number,
  w: Floats,
  nOut: number,
  b: Floats | null,
  y: Floats,
): void {
  k.dot(x, 0, nIn, w, 0, nIn, y, 0, nOut, rows, nOut, nIn);
  // y[t][·] += 1·b: a one-step product whose coefficient (stride 0) is the single 1 in `one`.
  if (b !== null) k.gemmAcc(one, 0, 0, 0, b, 0, nOut, y, 0, nOut, rows, 1, nOut);
}

/**
 * Gradients of linearForward, accumulated: dx[t][i] += Σ_o dy[t][o]·W[o][i] (skipped when dx is null),
 * dW[o][i] += Σ_t dy[t][o]·x[t][i], db[o] += Σ_t dy[t][o].
 */
export function linearBackward(
  k: Kernels,
  one: Floats,
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
  // db[·] += Σ_t 1·dy[t][·]
  if (db !== null) k.gemmAcc(one, 0, 0, 0, dy, 0, nOut, db, 0, nOut, 1, rows, nOut);
}
