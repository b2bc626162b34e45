/**
 * Loading a gpt-oss GGUF into llama.cpp: check the file first with Overtone's own reader (model-facts.ts: a typo
 * or a model that is not gpt-oss is a ConfigError naming the file, not a native stack), load it once, pick the
 * thread count (threads.ts, thread-probe.ts) and make the one context the model's requests share, with a
 * sequence per request it serves at once (`parallel`).
 */

import { ConfigError, InputError } from "@overtone/errors";
import type { LlamaModel } from "node-llama-cpp";
import { DEFAULT_QUEUE_LIMIT, EngineModel, type EngineModelInfo } from "./engine-model.js";
import { engineLlama, engineLog, type GpuChoice, gpuWarning } from "./llama-runtime.js";
import { readModelFacts } from "./model-facts.js";
import { defaultCacheDir } from "./models/cache-dir.js";
import { type AutoThreads, measuredAutoThreads } from "./thread-probe.js";
import { autoThreads } from "./threads.js";

/** Default context: room for long reasoning, without the KV cache of gpt-oss's full 131,072 tokens. */
export const DEFAULT_CONTEXT_SIZE = 16_384;

export interface LoadModelOptions {
  /**
   * CPU threads; default: one per physical math core (threads.ts), or for a small model on the CPU the fastest
   * count measured at load (thread-probe.ts).
   */
  threads?: number;
  /** Tokens of context (prompt plus output) per request; default min(16384, the model's training context). */
  contextSize?: number;
  /**
   * Requests generated for at once (default 1): each gets its own sequence of the one context, and llama.cpp
   * decodes the next token of all of them in one batch (continuous batching), so the weights are read once
   * per step for all, not once per request. Memory: node-llama-cpp gives every sequence a whole `contextSize`
   * of KV cache, so the cache is `parallel` × what one request needs (gpt-oss-20b at 16,384 tokens: ~0.4 GB
   * each); lower `contextSize` to serve more at once in the same memory.
   */
  parallel?: number;
  /**
   * Requests that may wait while all `parallel` are running (default 64, first come first
   * served; 0: none wait). One more is refused at once: its stream is an `error` part with a retryable
   * BackendError (the gateway answers 503 with `retry-after`), instead of a wait a client would time out on.
   */
  queueLimit?: number;
  /** Default: use a GPU when node-llama-cpp finds a usable one. */
  gpu?: GpuChoice;
  /** Called as the weights load, with the share done (0 to 1]: node-llama-cpp's `onLoadProgress`. */
  onLoadProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /**
   * Measure the auto thread count again even when an earlier load of the same model shape on this machine
   * remembered one (thread-memory.ts). Default false: the remembered count is used and the probe skipped.
   */
  reprobeThreads?: boolean;
  /** The Overtone cache root where measured thread counts are remembered; default `defaultCacheDir()`. */
  cacheDir?: string;
  /**
   * How soon an abort takes effect while a long prompt is evaluated (default 250 ms): the prompt goes to
   * llama.cpp in calls of whole 512-token batches that take about this long (prefill-pacer.ts). 0: one batch
   * per call, the quickest abort.
   */
  abortWithinMs?: number;
}

export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<EngineModel> {
  checkPositiveInteger(options.threads, "threads", "e.g. 1 for small models, or your physical core count");
  checkPositiveInteger(options.contextSize, "contextSize", "e.g. 8192");
  checkPositiveInteger(options.parallel, "parallel", "e.g. 4 to serve four requests at once");
  if (
    options.queueLimit !== undefined &&
    !(Number.isSafeInteger(options.queueLimit) && options.queueLimit >= 0)
  ) {
    throw new ConfigError(`queueLimit: ${options.queueLimit} is not an integer ≥ 0`, {
      where: "queueLimit",
      hint: `pass e.g. ${DEFAULT_QUEUE_LIMIT} (the default), or 0 to refuse requests while all sequences are busy`,
    });
  }
  if (
    options.abortWithinMs !== undefined &&
    !(Number.isFinite(options.abortWithinMs) && options.abortWithinMs >= 0)
  ) {
    throw new InputError(`abortWithinMs: ${options.abortWithinMs} is not a number ≥ 0`, {
      where: "abortWithinMs",
      hint: "e.g. 250 (the default), or 0 for the quickest abort",
    });
  }
  const facts = await readModelFacts(path);
  const started = performance.now();
  const llama = await engineLlama(options.gpu !== undefined ? { gpu: options.gpu } : {});
  const lastLogged = engineLog().at(-1);
  let model: LlamaModel;
  try {
    model = await llama.loadModel({
      modelPath: path,
      ...(options.signal ? { loadSignal: options.signal } : {}),
      ...(options.onLoadProgress ? { onLoadProgress: options.onLoadProgress } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    // llama.cpp logs the actual reason (a missing tensor, an unknown type); node-llama-cpp's error does not say.
    const log = engineLog();
    const fresh = lastLogged === undefined ? log : log.slice(log.lastIndexOf(lastLogged) + 1);
    const logged = fresh.findLast((entry) => entry.level === "error")?.message;
    const reason = [(error as Error).message, logged].filter(Boolean).join("; ");
    throw new ConfigError(`${path}: llama.cpp could not load the model: ${reason}`, {
      where: path,
      hint: "check that the file is a complete gpt-oss GGUF; `overtone gguf inspect` shows what it holds",
      cause: error,
    });
  }
  try {
    const contextSize = options.contextSize ?? Math.min(DEFAULT_CONTEXT_SIZE, model.trainContextSize);
    const rule = autoThreads({ cpuMathCores: llama.cpuMathCores, activeBytes: facts.activeBytes });
    // On a GPU the CPU threads matter little; on the CPU, small models get their count measured.
    const auto: AutoThreads =
      options.threads !== undefined
        ? { threads: options.threads, source: "given" }
        : llama.gpu === false
          ? await measuredAutoThreads(model, rule, facts.activeBytes, {
              contextSize,
              cacheDir: options.cacheDir ?? defaultCacheDir(),
              key: {
                cpuMathCores: llama.cpuMathCores,
                llamaCppRelease: `${llama.llamaCppRelease.repo}@${llama.llamaCppRelease.release}`,
                activeBytes: facts.activeBytes ?? 0,
                modelBytes: model.size,
              },
              ...(options.reprobeThreads ? { reprobe: true } : {}),
            })
          : { threads: rule, source: "rule" };
    const threads = auto.threads;
    const parallel = options.parallel ?? 1;
    const context = await model.createContext({ contextSize, threads, sequences: parallel });
    const warning = gpuWarning(llama);
    const info: EngineModelInfo = {
      path,
      name: facts.name,
      threads,
      threadSource: auto.source,
      ...(auto.warning !== undefined ? { threadWarning: auto.warning } : {}),
      contextSize: context.contextSize,
      parallel,
      trainContextSize: model.trainContextSize,
      template: facts.template,
      gpu: llama.gpu,
      ...(warning !== undefined ? { gpuWarning: warning } : {}),
      activeBytes: facts.activeBytes,
      loadMs: performance.now() - started,
    };
    return new EngineModel(model, context, info, {
      ...(options.abortWithinMs !== undefined ? { abortWithinMs: options.abortWithinMs } : {}),
      ...(options.queueLimit !== undefined ? { queueLimit: options.queueLimit } : {}),
    });
  } catch (error) {
    await model.dispose();
    throw new ConfigError(`${path}: llama.cpp could not make a context: ${(error as Error).message}`, {
      where: path,
      hint: "try a smaller contextSize (the KV cache may not fit in memory)",
      cause: error,
    });
  }
}

function checkPositiveInteger(value: number | undefined, where: string, example: string): void {
  if (value === undefined || (Number.isSafeInteger(value) && value > 0)) return;
  throw new ConfigError(`${where}: ${value} is not a positive integer`, { where, hint: `pass ${example}` });
}
