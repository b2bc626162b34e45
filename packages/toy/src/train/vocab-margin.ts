/**
 * Measures the vocabulary design's claim on real sequences: at every position, how far the best corpus token's
 * logit sits above the logit every unused token gets, −M·h[0] (vocab-design.ts). The unused logit is computed
 * from the bias channel the forward pass produced, exactly as llama.cpp computes it from the exported row
 * (−M, 0, …, 0).
 */
import type { ToyForward } from "./toy-forward.js";
import type { TokenExample } from "./training-set.js";
import { UNUSED_OUTPUT_WEIGHT } from "./vocab-design.js";

export interface VocabularyMargin {
  positions: number;
  /** Smallest h[0] = c·γ₀/rms(x) seen after the final norm (the design needs it > 0). */
  minBiasChannel: number;
  /** Highest logit any unused token reached (−M × the smallest h[0]). */
  maxUnusedLogit: number;
  /** Lowest top-used-token logit over all positions. */
  minTopUsedLogit: number;
  /** Smallest (top used logit − unused logit) at one position: the design holds when it is > 0. */
  margin: number;
}

export function measureVocabularyMargin(
  forward: ToyForward,
  examples: readonly TokenExample[],
): VocabularyMargin {
  const vocab = forward.toy.vocabulary.size;
  const result: VocabularyMargin = {
    positions: 0,
    minBiasChannel: Number.POSITIVE_INFINITY,
    maxUnusedLogit: Number.NEGATIVE_INFINITY,
    minTopUsedLogit: Number.POSITIVE_INFINITY,
    margin: Number.POSITIVE_INFINITY,
  };
  for (const example of examples) {
    const length = Math.min(example.tokens.length, forward.maxTokens);
    const tokens = Array.from({ length }, (_, i) => example.tokens[i] as number);
    const logits = forward.logits(tokens);
    const h0 = forward.biasChannel(length);
    for (let t = 0; t < length; t++) {
      let top = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < vocab; i++) top = Math.max(top, logits[t * vocab + i] as number);
      const unused = -UNUSED_OUTPUT_WEIGHT * (h0[t] as number);
      result.positions++;
      result.minBiasChannel = Math.min(result.minBiasChannel, h0[t] as number);
      result.maxUnusedLogit = Math.max(result.maxUnusedLogit, unused);
      result.minTopUsedLogit = Math.min(result.minTopUsedLogit, top);
      result.margin = Math.min(result.margin, top - unused);
    }
  }
  return result;
}
