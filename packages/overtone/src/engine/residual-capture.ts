/**
 * The residual stream of a gpt-oss GGUF after every block, read out of llama.cpp while it evaluates a prompt:
 * what `surgery measure` averages per layer. It uses llama.cpp's evaluation callback (`cb_eval`, llama-native.ts):
 * asked about each graph node, it wants only `l_out-N` — block N's output after the MoE residual add (and after
 * a control vector, if one were applied), the point llama.cpp's control vectors also write to — and copies the
 * rows of the captured positions out as float32.
 *
 * Exactness: flash attention is off and the KV cache F32 by default, the settings under which llama.cpp's logits
 * match the reference forward pass to 2e-4 (test/toy/reference-forward-parity.test.ts); the flash path and an
 * F16 cache round K and V to F16 (reference/gpt-oss-forward.md §5.2, §5.4), which moves the stream too.
 *
 * Sequences are evaluated one at a time, each as one batch from position 0 with the memory cleared before it.
 * The captured positions are marked as outputs: llama.cpp may keep only the output rows in the last block
 * (`inp_out_ids`, when `embeddings_nextn_masked` is set), so rows there are looked up among the outputs.
 */
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { ConfigError, InputError } from "@overtone/errors";
import koffi from "koffi";
import {
  EvalCallback,
  GGML_TYPE_F32,
  LLAMA_FLASH_ATTN_TYPE_DISABLED,
  type LlamaLibrary,
  llamaLibrary,
  type Pointer,
  TensorHead,
} from "./llama-native.js";
import { captureRows, type SequenceCapture, type TensorRows } from "./residual-rows.js";

export type { SequenceCapture } from "./residual-rows.js";

export interface ResidualCaptureOptions {
  /** Longest sequence to evaluate (the context and batch size); default 512. */
  maxTokens?: number;
  /** CPU threads; default: every core. */
  threads?: number;
  /** Flash attention and an F16 KV cache (faster, not exact); default false. */
  fast?: boolean;
  /** A folder with libllama/libggml instead of node-llama-cpp's prebuilt one. */
  libraryDir?: string;
  /** Evaluate without the callback (for a baseline in a benchmark): capture() then returns no rows. */
  noCallback?: boolean;
}

export interface ResidualCapture {
  readonly layers: number;
  readonly embd: number;
  /**
   * Evaluates `tokens` and returns the residual stream after every block at `positions` (default: the last
   * token): `layers[l][p]` is n_embd floats for block l at `positions[p]`.
   */
  capture(tokens: readonly number[], positions?: readonly number[]): SequenceCapture;
  /** Frees the context and the model; the capture cannot be used afterwards. */
  close(): void;
}

const LAYER_OUTPUT = /^l_out-(\d+)$/;

function checkModelPath(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ConfigError(`model file not found: ${path}`, {
      where: path,
      hint: "pass the path of a gpt-oss .gguf file (resolve names such as `toy` with the model resolver first)",
    });
  }
}

/** Loads the model and a context for capture. Synchronous: llama.cpp loads on this thread. */
export function openResidualCapture(
  modelPath: string,
  options: ResidualCaptureOptions = {},
): ResidualCapture {
  checkModelPath(modelPath);
  const lib = llamaLibrary(options.libraryDir);
  const maxTokens = options.maxTokens ?? 512;
  const threads = options.threads ?? defaultThreads();
  const log: string[] = [];
  const keepErrors = (level: number, text: string) => {
    if (level >= 3 /* GGML_LOG_LEVEL_WARN */ && level !== 5 /* CONT */) log.push(text.trimEnd());
  };

  let current: TensorRows | undefined;
  const onEval = (t: Pointer, ask: boolean): boolean => {
    const name = lib.tensorName(t);
    const match = LAYER_OUTPUT.exec(name);
    if (ask) return match !== null;
    if (match === null || current === undefined) return true;
    const head = koffi.decode(t, TensorHead) as { type: number; ne: bigint[] | number[] };
    if (head.type !== GGML_TYPE_F32) {
      current.failure = `${name} has ggml type ${head.type}, not F32`;
      return true;
    }
    const bytes = Number(lib.tensorBytes(t));
    const values = new Float32Array(bytes / 4);
    lib.tensorGet(t, values, 0, bytes);
    current.take(Number(match[1]), Number(head.ne[0]), Number(head.ne[1]), values);
    return true; // false would abort the graph computation
  };
  const callback = options.noCallback ? null : koffi.register(onEval, koffi.pointer(EvalCallback));

  let model: Pointer = null;
  let ctx: Pointer = null;
  try {
    lib.withLog(keepErrors, () => {
      const mp = lib.modelDefaultParams();
      mp.n_gpu_layers = 0; // CPU: where the parity with the reference forward pass is measured
      model = lib.loadModel(modelPath, mp);
      if (model === null) {
        throw new ConfigError(
          `llama.cpp could not load ${modelPath}${log.length ? `: ${log.join(" | ")}` : ""}`,
          {
            where: modelPath,
            hint: "check that the file is a complete gpt-oss GGUF (`overtone gguf inspect` lists its tensors)",
          },
        );
      }
      const cp = lib.contextDefaultParams();
      Object.assign(cp, {
        n_ctx: maxTokens,
        n_batch: maxTokens,
        n_ubatch: maxTokens, // one ubatch per sequence: every block sees all of its rows at once
        n_seq_max: 1,
        n_threads: threads,
        n_threads_batch: threads,
        embeddings: false,
        cb_eval: callback,
        cb_eval_user_data: null,
      });
      if (!options.fast)
        Object.assign(cp, { flash_attn_type: LLAMA_FLASH_ATTN_TYPE_DISABLED, type_k: 0, type_v: 0 });
      ctx = lib.initContext(model, cp);
      if (ctx === null) {
        throw new ConfigError(`llama.cpp could not create a context for ${modelPath}: ${log.join(" | ")}`, {
          where: "maxTokens",
          hint: "lower maxTokens (the context holds maxTokens positions of F32 keys and values)",
        });
      }
    });
  } catch (error) {
    if (model !== null) lib.freeModel(model);
    if (callback !== null) koffi.unregister(callback);
    throw error;
  }

  const layers = lib.nLayer(model);
  const embd = lib.nEmbd(model);
  let closed = false;

  return {
    layers,
    embd,
    capture(tokens, positions) {
      if (closed)
        throw new ConfigError("the residual capture is closed", { where: "capture", hint: "open a new one" });
      const wanted = checkPositions(tokens, positions ?? [tokens.length - 1], maxTokens);
      const rows = captureRows(layers, embd, tokens.length, wanted);
      current = rows;
      try {
        decodeOnce(lib, ctx, tokens, wanted);
      } finally {
        current = undefined;
      }
      return options.noCallback ? { positions: wanted, layers: [] } : rows.result();
    },
    close() {
      if (closed) return;
      closed = true;
      lib.withLog(keepErrors, () => {
        lib.freeContext(ctx);
        lib.freeModel(model);
      });
      if (callback !== null) koffi.unregister(callback);
    },
  };
}

/** Every core: capture is one process's prefill, with nothing else of ours running beside it. */
function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

function checkPositions(
  tokens: readonly number[],
  positions: readonly number[],
  maxTokens: number,
): number[] {
  if (tokens.length === 0) {
    throw new InputError("tokens: empty sequence", { where: "tokens", hint: "pass at least one token id" });
  }
  if (tokens.length > maxTokens) {
    throw new InputError(`tokens: ${tokens.length} tokens, more than maxTokens ${maxTokens}`, {
      where: "tokens",
      hint: `open the capture with maxTokens ≥ ${tokens.length}`,
    });
  }
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  for (const p of sorted) {
    if (!Number.isInteger(p) || p < 0 || p >= tokens.length) {
      throw new InputError(`positions: ${p} is not a position of a ${tokens.length}-token sequence`, {
        where: "positions",
        hint: `positions count from 0 to ${tokens.length - 1}`,
      });
    }
  }
  if (sorted.length !== positions.length || sorted.some((p, i) => p !== positions[i])) {
    throw new InputError("positions: must be distinct and increasing", {
      where: "positions",
      hint: `e.g. [${sorted.join(", ")}]`,
    });
  }
  return sorted;
}

/** One batch of `tokens` from position 0 in sequence 0, outputs at `outputs`, after clearing the memory. */
function decodeOnce(
  lib: LlamaLibrary,
  ctx: Pointer,
  tokens: readonly number[],
  outputs: readonly number[],
): void {
  lib.memoryClear(lib.memory(ctx), true);
  const n = tokens.length;
  const batch = lib.batchInit(n, 0, 1);
  try {
    koffi.encode(batch.token, koffi.array("int32", n), Int32Array.from(tokens));
    koffi.encode(
      batch.pos,
      koffi.array("int32", n),
      Int32Array.from(tokens, (_, i) => i),
    );
    koffi.encode(batch.n_seq_id, koffi.array("int32", n), new Int32Array(n).fill(1));
    const seqIds = koffi.decode(batch.seq_id, koffi.array("void *", n)) as Pointer[];
    for (const seq of seqIds) koffi.encode(seq, "int32", 0);
    const logits = new Int8Array(n);
    for (const p of outputs) logits[p] = 1;
    koffi.encode(batch.logits, koffi.array("int8", n), logits);
    batch.n_tokens = n;
    const status = lib.decode(ctx, batch);
    if (status !== 0) {
      throw new ConfigError(`llama_decode failed with status ${status} for ${n} tokens`, {
        where: "tokens",
        hint: "check that every token id is in the model's vocabulary and the sequence fits maxTokens",
      });
    }
  } finally {
    lib.batchFree(batch);
  }
}
