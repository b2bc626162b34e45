/**
 * Worker-thread side of the gradient engine: computes shard 1 of each batch in the shared kernel memory, where
 * the main thread placed the parameters and this worker's gradient and workspace. Messages: one `init`, then
 * `compute` requests answered with the shard's loss sum.
 */
import { parentPort } from "node:worker_threads";
import { paramLayout } from "./param-layout.js";
import { ShardComputer } from "./shard-gradient.js";
import type { ToyShape } from "./toy-config.js";
import type { PackedExamples } from "./training-set.js";
import { type KernelMemory, WasmKernels } from "./wasm-kernels.js";
import { Workspace } from "./workspace.js";

export interface WorkerInit {
  kind: "init";
  memory: KernelMemory;
  shape: ToyShape;
  vocabSize: number;
  maxRows: number;
  paramsByte: number;
  gradientByte: number;
  regionStart: number;
  regionEnd: number;
  packed: PackedExamples;
}

export interface WorkerCompute {
  kind: "compute";
  indices: Int32Array;
  scale: number;
}

export type WorkerReply =
  | { kind: "ready" }
  | { kind: "done"; loss: number }
  | { kind: "error"; message: string };

let computer: ShardComputer | undefined;

function handle(message: WorkerInit | WorkerCompute): WorkerReply {
  if (message.kind === "init") {
    const layout = paramLayout(message.shape, message.vocabSize);
    const kernels = new WasmKernels(message.memory, message.regionStart, message.regionEnd);
    const ws = new Workspace(message.shape, message.vocabSize, message.maxRows, kernels);
    const params = kernels.view(message.paramsByte, layout.total);
    const gradient = kernels.view(message.gradientByte, layout.total);
    computer = new ShardComputer(layout, params, gradient, ws, message.packed);
    return { kind: "ready" };
  }
  if (computer === undefined) throw new Error("compute before init");
  return { kind: "done", loss: computer.compute(message.indices, message.scale) };
}

parentPort?.on("message", (message: WorkerInit | WorkerCompute) => {
  let reply: WorkerReply;
  try {
    reply = handle(message);
  } catch (e) {
    reply = { kind: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort?.postMessage(reply);
});
