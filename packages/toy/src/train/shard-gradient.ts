/**
 * A shard of a batch — half of its sequences — computed into its own gradient array, from zero. The same code
 * runs on the main thread and in a worker, and a batch always has two shards summed in a fixed order, so the
 * result is bit-identical whether one thread computes both or two threads one each.
 */
import { accumulateSequenceGradient } from "./model-backward.js";
import type { Floats, ModelParams, ParamLayout } from "./param-layout.js";
import { paramViews } from "./param-layout.js";
import type { PackedExamples } from "./training-set.js";
import { exampleAt } from "./training-set.js";
import type { Workspace } from "./workspace.js";

export const SHARDS = 2;

export class ShardComputer {
  private readonly params: ModelParams;
  private readonly grad: ModelParams;

  constructor(
    layout: ParamLayout,
    params: Floats,
    private readonly gradient: Floats,
    private readonly ws: Workspace,
    private readonly packed: PackedExamples,
  ) {
    this.params = paramViews(layout, params);
    this.grad = paramViews(layout, gradient);
  }

  /** Overwrites the gradient with `scale` × the shard's summed gradient; returns the shard's loss sum. */
  compute(indices: ArrayLike<number>, scale: number): number {
    this.gradient.fill(0);
    let loss = 0;
    for (let k = 0; k < indices.length; k++) {
      const { rows, mask } = exampleAt(this.packed, indices[k] as number);
      loss += accumulateSequenceGradient(this.params, this.grad, this.ws, rows, mask, scale);
    }
    return loss;
  }
}
