/**
 * Computes a batch's gradient with one or two threads. Everything the kernels touch lives in one WebAssembly
 * memory (shared when a worker helps): the parameters, one gradient array per shard, and a workspace per
 * thread. The main thread computes shard 0; shard 1 is computed by a worker, or after shard 0 on the main thread
 * when running alone. The batch gradient is shard 0 + shard 1 either way, so the thread count never changes a
 * result (shard-gradient.ts).
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { WorkerInit, WorkerReply } from "./gradient-worker.js";
import { AllocationCounter } from "./kernels.js";
import type { ParamLayout } from "./param-layout.js";
import { SHARDS, ShardComputer } from "./shard-gradient.js";
import { type PackedExamples, sharedPacked, splitBatch } from "./training-set.js";
import { createKernelMemory, pagesFor, WasmKernels } from "./wasm-kernels.js";
import { Workspace } from "./workspace.js";

export type ThreadCount = 1 | 2;

/**
 * The worker: the compiled gradient-worker.js next to this file, or — when running from the TypeScript source
 * (tsx, vitest) — a bootstrap that registers tsx's loader in the worker first (loaders registered on the main
 * thread do not reach worker threads).
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./gradient-worker.js", here));
  const tsxApi = createRequire(here)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const source = new URL("./gradient-worker.ts", here).href;
  const boot = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true });
}

class ShardWorker {
  private pending: ((reply: WorkerReply) => void) | undefined;
  private failure: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on("message", (reply: WorkerReply) => {
      const resolve = this.pending;
      this.pending = undefined;
      resolve?.(reply);
    });
    worker.on("error", (e) => {
      this.failure = e;
      this.pending?.({ kind: "error", message: e.message });
    });
  }

  request(message: object): Promise<WorkerReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      this.pending = resolve;
      this.worker.postMessage(message);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

function expectReply(reply: WorkerReply, kind: "ready" | "done"): WorkerReply {
  if (reply.kind === "error") throw new Error(`gradient worker failed: ${reply.message}`);
  if (reply.kind !== kind) throw new Error(`gradient worker answered ${reply.kind}, expected ${kind}`);
  return reply;
}

export class GradientEngine {
  /** The parameters, in kernel memory: the optimizer updates them in place between batches. */
  readonly params: Float32Array;
  /** The last batch's gradient (shard 0 + shard 1). */
  readonly gradient: Float32Array;

  private constructor(
    params: Float32Array,
    private readonly packed: PackedExamples,
    private readonly shardGradients: Float32Array[],
    private readonly computers: ShardComputer[],
    private readonly worker: ShardWorker | undefined,
  ) {
    this.params = params;
    this.gradient = new Float32Array(params.length);
  }

  static async create(
    layout: ParamLayout,
    packed: PackedExamples,
    maxRows: number,
    threads: ThreadCount,
  ): Promise<GradientEngine> {
    const counter = new AllocationCounter();
    new Workspace(layout.shape, layout.vocabSize, maxRows, counter);
    const mainFloats = layout.total * (1 + SHARDS) + counter.floats;
    const mainAllocations = 1 + SHARDS + counter.allocations;
    const workerFloats = threads === 2 ? counter.floats : 0;
    const pages = pagesFor(mainFloats + workerFloats, mainAllocations + counter.allocations + 2);
    const memory = createKernelMemory(pages, threads === 2);
    const kernels = new WasmKernels(memory, 0, memory.buffer.byteLength);
    const params = kernels.alloc(layout.total);
    const shardGradients = [kernels.alloc(layout.total), kernels.alloc(layout.total)];
    const ws = new Workspace(layout.shape, layout.vocabSize, maxRows, kernels);
    const computers = shardGradients.map((g) => new ShardComputer(layout, params, g, ws, packed));
    let worker: ShardWorker | undefined;
    if (threads === 2) {
      worker = new ShardWorker(startWorker());
      const init: WorkerInit = {
        kind: "init",
        memory,
        shape: layout.shape,
        vocabSize: layout.vocabSize,
        maxRows,
        paramsByte: params.byteOffset,
        gradientByte: (shardGradients[1] as Float32Array).byteOffset,
        regionStart: kernels.position,
        regionEnd: memory.buffer.byteLength,
        packed: sharedPacked(packed),
      };
      try {
        expectReply(await worker.request(init), "ready");
      } catch (e) {
        await worker.terminate();
        throw e;
      }
    }
    return new GradientEngine(params, packed, shardGradients, computers, worker);
  }

  /** Fills `gradient` with `scale` × the batch's summed gradient; returns the batch's loss sum. */
  async compute(batch: Int32Array, scale: number): Promise<number> {
    const [first, second] = splitBatch(batch, this.packed);
    const main = this.computers[0] as ShardComputer;
    let loss: number;
    if (this.worker !== undefined) {
      const remote = this.worker.request({ kind: "compute", indices: second, scale });
      const local = main.compute(first, scale);
      const reply = expectReply(await remote, "done");
      loss = local + (reply.kind === "done" ? reply.loss : 0);
    } else {
      loss = main.compute(first, scale) + (this.computers[1] as ShardComputer).compute(second, scale);
    }
    const g0 = this.shardGradients[0] as Float32Array;
    const g1 = this.shardGradients[1] as Float32Array;
    for (let i = 0; i < this.gradient.length; i++) this.gradient[i] = (g0[i] as number) + (g1[i] as number);
    return loss;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
