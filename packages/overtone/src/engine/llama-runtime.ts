/**
 * The process's one node-llama-cpp `Llama` (the native addon and its backends), shared by every loaded model.
 *
 * - `build: "never"`: a missing prebuilt binary must fail with a message, not start a minutes-long compile
 *   inside a user's request.
 * - GPU: node-llama-cpp's `gpu: "auto"` tries the CUDA and Vulkan binaries one by one (~1.4 s on a machine with
 *   neither). `getLlamaGpuTypes("supported")` asks the same question from the installed libraries and drivers
 *   in a few milliseconds, so machines without a GPU go straight to the CPU binary and machines with one keep
 *   node-llama-cpp's own choice.
 * - `maxThreads: 0`: each context then uses exactly the threads it asks for. The library default caps contexts
 *   at max(cores, 4) and hands them that many, which on 2 cores runs up to ~150× slower
 *   (reference/engine-node-llama-cpp.md §3.4); our own rule (threads.ts) picks the count instead.
 * - llama.cpp's log goes to a small ring buffer, not the console: a library must not print, and the gpt-oss
 *   load always logs the same harmless token-attribute notes.
 * - node-llama-cpp is imported on first use (~0.7 s of module loading here), so importing Overtone's backends
 *   for Ollama or vLLM does not pay for the embedded engine.
 */

import { ConfigError } from "@overtone/errors";
import type { Llama, LlamaLogLevel } from "node-llama-cpp";

export type GpuChoice = "auto" | false;

export interface EngineLogEntry {
  level: "error" | "warn";
  message: string;
}

const LOG_LIMIT = 200;
const log: EngineLogEntry[] = [];
const runtimes = new Map<string, Promise<Llama>>();

/** Recent llama.cpp warnings and errors (oldest first), for `doctor` and error messages. */
export function engineLog(): readonly EngineLogEntry[] {
  return log;
}

/** node-llama-cpp's module, loaded once. */
export function nodeLlamaCpp(): Promise<typeof import("node-llama-cpp")> {
  nlc ??= import("node-llama-cpp");
  return nlc;
}
let nlc: Promise<typeof import("node-llama-cpp")> | undefined;

function record(level: LlamaLogLevel, message: string): void {
  // LlamaLogLevel is a string enum; only its type is imported here.
  const name = String(level);
  if (name !== "warn" && name !== "error" && name !== "fatal") return;
  log.push({ level: name === "warn" ? "warn" : "error", message: message.trimEnd() });
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
}

/** `auto` when node-llama-cpp finds a usable GPU backend (CUDA, Vulkan, Metal) here, else false. */
export async function probeGpu(): Promise<GpuChoice> {
  try {
    const types = await (await nodeLlamaCpp()).getLlamaGpuTypes("supported");
    return types.some((type) => type !== false) ? "auto" : false;
  } catch {
    return false;
  }
}

let probed: Promise<GpuChoice> | undefined;

/** The shared Llama (one per GPU choice); `gpu` defaults to what `probeGpu` finds, probed once. */
export async function engineLlama(options: { gpu?: GpuChoice } = {}): Promise<Llama> {
  probed ??= probeGpu();
  const gpu = options.gpu ?? (await probed);
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (runtime === undefined) {
    runtime = startLlama(gpu);
    runtime.catch(() => runtimes.delete(key));
    runtimes.set(key, runtime);
  }
  return runtime;
}

async function startLlama(gpu: GpuChoice): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await nodeLlamaCpp();
  try {
    return await getLlama({
      gpu,
      build: "never",
      maxThreads: 0,
      logLevel: LlamaLogLevel.warn,
      logger: record,
    });
  } catch (error) {
    throw new ConfigError(`llama.cpp could not start: ${(error as Error).message}`, {
      where: "node-llama-cpp",
      hint: "reinstall Overtone so npm fetches node-llama-cpp's prebuilt binary for this platform (@node-llama-cpp/<platform>), or build it with `npx node-llama-cpp source build`",
    });
  }
}

/** Release the native runtime (after every model is disposed); the next `engineLlama` starts a new one. */
export async function disposeEngineLlama(): Promise<void> {
  const all = [...runtimes.values()];
  runtimes.clear();
  for (const runtime of all) await (await runtime.catch(() => undefined))?.dispose();
}
