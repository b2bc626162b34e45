/**
 * Grouping the tensors to write into copy runs. Unchanged tensors copied from a file usually sit in it exactly
 * as they will in the output: same order, same gaps between them. Such a run is copied as one byte range, its
 * gaps zeroed on the way (ggml pads with zeros, whatever the input had there), so the copy pipeline goes once
 * through the whole data section instead of draining and refilling at the end of every tensor. The output
 * bytes are the same as copying tensor by tensor.
 */
import type { HeaderTensor } from "./encode-header.js";
import type { GgufFileRange } from "./gguf-file.js";

/**
 * Tensor bytes: in memory, produced by a stream factory, or a range of an open file (copied without decoding).
 * Defined here, where the kinds are told apart, and re-exported by write-gguf.ts, whose input it is.
 */
export type GgufTensorData = Uint8Array | (() => AsyncIterable<Uint8Array>) | GgufFileRange;

/** Consecutive tensors `first … first + count - 1`, all copied from one range of one file. */
export interface CopyRun {
  first: number;
  count: number;
  range: GgufFileRange;
  /** Byte ranges [start, end) between the tensors, relative to the range start: written as zeros. */
  gaps: [number, number][];
  /** Each tensor's start, relative to the range start (for naming a tensor in an error). */
  starts: number[];
}

function isRange(data: GgufTensorData): data is GgufFileRange {
  return !(data instanceof Uint8Array) && typeof data !== "function";
}

/**
 * Each tensor index either alone (its data is not a file range of the right length) or in a run. A run goes
 * on while the next tensor is a range of the same file at the same distance from the previous one's end as
 * in the output.
 */
export function planCopyRuns(
  data: readonly GgufTensorData[],
  infos: readonly HeaderTensor[],
  sizes: readonly number[],
): (number | CopyRun)[] {
  const plan: (number | CopyRun)[] = [];
  let run: CopyRun | undefined;
  for (let i = 0; i < data.length; i++) {
    const d = data[i] as GgufTensorData;
    const size = sizes[i] as number;
    if (!isRange(d) || d.length !== size) {
      run = undefined;
      plan.push(i); // written on its own (a wrong length is reported there)
      continue;
    }
    if (run !== undefined) {
      const r = run.range;
      const prev = i - 1;
      const inputGap = d.position - (r.position + r.length);
      const outputGap =
        (infos[i] as HeaderTensor).offset - (infos[prev] as HeaderTensor).offset - (sizes[prev] as number);
      if (d.handle === r.handle && inputGap >= 0 && inputGap === outputGap) {
        if (inputGap > 0) run.gaps.push([r.length, r.length + inputGap]);
        run.starts.push(r.length + inputGap);
        r.length += inputGap + d.length;
        run.count++;
        continue;
      }
    }
    run = { first: i, count: 1, range: { ...d }, gaps: [], starts: [0] };
    plan.push(run);
  }
  return plan;
}

/** The name of the tensor of `run` holding byte `offset` (relative to the range start). */
export function tensorNameAt(run: CopyRun, names: readonly string[], offset: number): string {
  let k = 0;
  while (k + 1 < run.count && (run.starts[k + 1] as number) <= offset) k++;
  return names[run.first + k] as string;
}
