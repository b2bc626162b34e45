/**
 * Mean loss per trained token on examples the run never saw (the corpus's held-out split): the number to
 * compare recipes by, since the training loss of a model this small keeps falling on what it memorizes.
 */
import type { ToyForward } from "./toy-forward.js";
import type { TokenExample } from "./training-set.js";

export interface HeldOutLoss {
  examples: number;
  trainedTokens: number;
  /** Nats per trained token. */
  loss: number;
}

export function heldOutLoss(forward: ToyForward, examples: readonly TokenExample[]): HeldOutLoss {
  const vocab = forward.toy.vocabulary.size;
  let sum = 0;
  let count = 0;
  let used = 0;
  for (const example of examples) {
    const length = example.tokens.length;
    if (length > forward.maxTokens) continue;
    used++;
    const logits = forward.logits(Array.from(example.tokens));
    for (let t = 0; t + 1 < length; t++) {
      if (example.lossMask[t + 1] !== 1) continue;
      const base = t * vocab;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < vocab; i++) max = Math.max(max, logits[base + i] as number);
      let z = 0;
      for (let i = 0; i < vocab; i++) z += Math.exp((logits[base + i] as number) - max);
      const target = forward.toy.vocabulary.row(example.tokens[t + 1] as number);
      sum += Math.log(z) + max - (logits[base + target] as number);
      count++;
    }
  }
  return { examples: used, trainedTokens: count, loss: count === 0 ? Number.NaN : sum / count };
}
