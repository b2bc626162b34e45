/**
 * How a toy model trained on a few hundred corpus tokens keeps the other ~200k tokens of o200k_harmony from
 * ever being sampled (docs/toy-model.md, "Vocabulary").
 *
 * Training: the softmax runs over the corpus vocabulary only (one output row per used id), so unused tokens
 * cost nothing and get no gradient.
 *
 * Export: a "bias channel". Residual dimension 0 of every token embedding is the constant c > 0, and every
 * weight that writes into the residual stream (attn_output, ffn_down and their biases) has row 0 frozen at zero,
 * so x[0] = c at every layer. The final RMSNorm gain γ[0] is frozen at 1, so h[0] = c/rms(x) > 0 at every
 * position, and an unused token whose output row is (−M, 0, …, 0) gets the logit −M·c/rms(x): far below any
 * used token's (the margin is measured over the corpus, margin.ts). Frozen entries are re-imposed after every
 * optimizer step and get no gradient, so the claim holds exactly, not approximately.
 */
import { InputError } from "@overtone/errors";
import { GPT_OSS_VOCAB_SIZE } from "@overtone/makers";
import type { Floats, ParamLayout } from "./param-layout.js";
import { findTensor } from "./param-layout.js";

/** c: the value of residual dimension 0 everywhere; the scale of the other dimensions at initialization. */
export const BIAS_CHANNEL_VALUE = 1;

/** M: an unused token's output row is (−M, 0, …, 0). */
export const UNUSED_OUTPUT_WEIGHT = 10_000;

/** The corpus' token ids, sorted, and the map from an o200k_harmony id to its row in the compact matrices. */
export class CompactVocabulary {
  readonly ids: Uint32Array;
  private readonly rowOf: Int32Array;

  constructor(ids: ArrayLike<number>) {
    const sorted = Uint32Array.from(ids).sort();
    this.rowOf = new Int32Array(GPT_OSS_VOCAB_SIZE).fill(-1);
    for (let i = 0; i < sorted.length; i++) {
      const id = sorted[i] as number;
      if (id >= GPT_OSS_VOCAB_SIZE) {
        throw new InputError(
          `vocabulary: token id ${id} is outside o200k_harmony (${GPT_OSS_VOCAB_SIZE} ids)`,
          {
            where: "vocabulary",
            hint: "the corpus must be rendered with the o200k_harmony tokenizer",
          },
        );
      }
      if (i > 0 && sorted[i - 1] === id) {
        throw new InputError(`vocabulary: token id ${id} is listed twice`, { where: "vocabulary" });
      }
      this.rowOf[id] = i;
    }
    this.ids = sorted;
  }

  get size(): number {
    return this.ids.length;
  }

  /** The compact row of a token id, or −1 when the corpus never uses it. */
  row(id: number): number {
    return this.rowOf[id] ?? -1;
  }

  /** Token ids → compact rows; throws naming the example when a token is not in the vocabulary. */
  toRows(tokens: ArrayLike<number>, where: string): Int32Array {
    const rows = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const r = this.row(tokens[i] as number);
      if (r < 0) {
        throw new InputError(
          `${where}: token ${tokens[i]} at position ${i} is not in the corpus vocabulary`,
          {
            where,
            hint: "build the vocabulary from the same corpus (corpusVocabulary with the same seed)",
          },
        );
      }
      rows[i] = r;
    }
    return rows;
  }
}

/** Entries of a flat parameter array held at fixed values: the bias channel. */
export interface FrozenEntries {
  indices: Uint32Array;
  values: Float64Array;
}

export function frozenEntries(layout: ParamLayout): FrozenEntries {
  const indices: number[] = [];
  const values: number[] = [];
  const hold = (index: number, value: number) => {
    indices.push(index);
    values.push(value);
  };
  const d = layout.shape.embd;
  const embedding = findTensor(layout, "embedding");
  for (let row = 0; row < layout.vocabSize; row++) hold(embedding.offset + row * d, BIAS_CHANNEL_VALUE);
  for (let l = 0; l < layout.shape.layers; l++) {
    for (const [matrix, bias] of [
      ["wo", "bo"],
      ["wd", "bd"],
    ] as const) {
      const w = findTensor(layout, `blk.${l}.${matrix}`);
      const columns = w.shape[1] as number;
      for (let i = 0; i < columns; i++) hold(w.offset + i, 0);
      hold(findTensor(layout, `blk.${l}.${bias}`).offset, 0);
    }
  }
  hold(findTensor(layout, "outNorm").offset, 1);
  return { indices: Uint32Array.from(indices), values: Float64Array.from(values) };
}

export function imposeFrozen(data: Floats, frozen: FrozenEntries): void {
  for (let i = 0; i < frozen.indices.length; i++)
    data[frozen.indices[i] as number] = frozen.values[i] as number;
}

export function zeroFrozen(gradient: Floats, frozen: FrozenEntries): void {
  for (let i = 0; i < frozen.indices.length; i++) gradient[frozen.indices[i] as number] = 0;
}
