/**
 * Seeded initialization. Each tensor draws from its own PRNG stream (seed × tensor name, as the tiny-model maker
 * does), so the values do not depend on tensor order, and the PRNG uses integer arithmetic only, so the same
 * seed gives the same bits everywhere.
 *
 * Scales: embeddings have std 1 (the scale of the bias channel c); projections read a unit-scale normalized
 * input, so they get std 1/√fan_in; the two matrices that write into the residual stream are scaled down by
 * 1/√(2·layers), GPT-2's rule, so the residual grows slowly with depth; norms start at 1, biases at 0, and sinks
 * at 0 (trained: an attention head learns how much of "attend to nothing" it wants).
 */
import { hashName, SeededRandom } from "@overtone/makers";
import type { Floats, ParamLayout } from "./param-layout.js";
import { BIAS_CHANNEL_VALUE, type FrozenEntries, imposeFrozen } from "./vocab-design.js";

/** Std of the output matrix: initial logits of std ~0.5, so the first loss is close to ln(vocabulary). */
const OUTPUT_STD = 0.5;

function stdFor(layout: ParamLayout, name: string, fanIn: number): number {
  const residualWriters = /\.(wo|wd)$/.test(name);
  const base = 1 / Math.sqrt(fanIn);
  return residualWriters ? base / Math.sqrt(2 * layout.shape.layers) : base;
}

/** Fills `data` (a flat array of the layout) with the seeded initial values. */
export function initParams(layout: ParamLayout, seed: number, frozen: FrozenEntries, data: Floats): void {
  if (data.length !== layout.total)
    throw new RangeError(`${data.length} values for a layout of ${layout.total}`);
  const scratch = new Float32Array(layout.tensors.reduce((m, t) => Math.max(m, t.size), 0));
  for (const t of layout.tensors) {
    const view = data.subarray(t.offset, t.offset + t.size);
    switch (t.role) {
      case "norm":
        view.fill(1);
        break;
      case "bias":
      case "sink":
        view.fill(0);
        break;
      case "embedding":
      case "matrix": {
        const fanIn = t.shape[1] as number;
        const std =
          t.role === "embedding"
            ? BIAS_CHANNEL_VALUE
            : t.name === "output"
              ? OUTPUT_STD / Math.sqrt(fanIn)
              : stdFor(layout, t.name, fanIn);
        const values = scratch.subarray(0, t.size);
        new SeededRandom(seed, hashName(t.name)).fillUniform(values, std);
        view.set(values);
        break;
      }
    }
  }
  imposeFrozen(data, frozen);
}
