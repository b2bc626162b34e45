/**
 * Cross-entropy over the corpus vocabulary (the restricted softmax of vocab-design.ts), for the positions whose
 * next token the loss mask selects. Log-sum-exp is taken around the row maximum, so large logits cannot
 * overflow.
 */
import { FLUSH_TO_ZERO_BELOW, type Kernels } from "./kernels.js";
import type { Floats } from "./param-layout.js";

/**
 * For each of `rows` logit rows (width `vocab`): adds weight × −log softmax(row)[target] to the returned sum and
 * overwrites the row with its gradient (softmax − one-hot)·weight·`gradientScale`. A row's weight is
 * `weights[r]` (the loss weight of a token; see TokenExample), 1 without weights.
 */
export function crossEntropyInPlace(
  kern: Kernels,
  logits: Floats,
  rows: number,
  vocab: number,
  targets: Int32Array,
  gradientScale: number,
  weights?: ArrayLike<number>,
): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const weight = weights === undefined ? 1 : (weights[r] as number);
    const scale = gradientScale * weight;
    const base = r * vocab;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < vocab; i++) {
      const z = logits[base + i] as number;
      if (z > max) max = z;
    }
    const target = targets[r] as number;
    const targetLogit = logits[base + target] as number;
    kern.exp(logits, base, vocab, max);
    let sum = 0;
    for (let i = 0; i < vocab; i++) sum += logits[base + i] as number;
    loss += weight * (Math.log(sum) - (targetLogit - max));
    const inv = scale / sum;
    for (let i = 0; i < vocab; i++) {
      const g = (logits[base + i] as number) * inv;
      logits[base + i] = g < FLUSH_TO_ZERO_BELOW ? 0 : g;
    }
    logits[base + target] = (logits[base + target] as number) - scale;
  }
  return loss;
}
