/**
 * Picks the captured positions' rows out of the `l_out-N` tensors llama.cpp hands the evaluation callback
 * (residual-capture.ts), and checks that every block's output arrived once with the shape expected.
 *
 * A tensor is ne0 = n_embd floats per row, ne1 rows: every token of the batch, or — where llama.cpp gathers the
 * output rows early (`inp_out_ids`, in the last block) — only the rows marked as outputs, in batch order.
 */
import { ConfigError } from "@overtone/errors";

export interface SequenceCapture {
  /** The positions captured, increasing. */
  positions: number[];
  /** `layers[l][p]`: the residual stream after block l at `positions[p]`, n_embd floats. */
  layers: Float32Array[][];
}

export interface TensorRows {
  /** Set when a tensor could not be read; result() throws it. */
  failure: string | undefined;
  take(layer: number, ne0: number, ne1: number, values: Float32Array): void;
  result(): SequenceCapture;
}

export function captureRows(layers: number, embd: number, tokens: number, positions: number[]): TensorRows {
  const got: (Float32Array[] | undefined)[] = new Array(layers).fill(undefined);
  const rows: TensorRows = {
    failure: undefined,
    take(layer, ne0, ne1, values) {
      if (layer >= layers || got[layer] !== undefined) {
        rows.failure ??= `l_out-${layer} arrived ${layer >= layers ? `for a model of ${layers} blocks` : "twice"}`;
        return;
      }
      if (ne0 !== embd || (ne1 !== tokens && ne1 !== positions.length)) {
        rows.failure ??= `l_out-${layer} is ${ne0} × ${ne1}, expected ${embd} × ${tokens} (or × ${positions.length} outputs)`;
        return;
      }
      // All rows: the row is the position. Output rows only: the row is the position's index among the outputs.
      got[layer] = positions.map((p, i) => {
        const row = ne1 === tokens ? p : i;
        return values.slice(row * embd, (row + 1) * embd);
      });
    },
    result() {
      const missing = got.indexOf(undefined);
      const failure =
        rows.failure ?? (missing >= 0 ? `l_out-${missing} never reached the callback` : undefined);
      if (failure !== undefined) {
        throw new ConfigError(`residual capture failed: ${failure}`, {
          where: "l_out",
          hint:
            "the capture reads llama.cpp's gpt-oss graph tensors `l_out-N`; a model of another architecture or a " +
            "llama.cpp build that names them differently cannot be captured this way",
        });
      }
      return { positions, layers: got as Float32Array[][] };
    },
  };
  return rows;
}
