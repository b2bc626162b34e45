/**
 * The process's one node-llama-cpp `Llama` (the native addon and its backends), shared by every loaded model.
 *
 * - `build: "never"`: a missing prebuilt binary must fail with a message, not start a minutes-long compile
 *   inside a user's request.
 * - GPU: node-llama-cpp's `gpu: "auto"` tries the CUDA and Vulkan binaries one by one (~1.4 s on a machine with
 *   neither). `getLlamaGpuTypes("supported")` asks the same question from the installed libraries and drivers
 *   in a few milliseconds, so machines without a GPU go straight to the CPU binary and machines with one keep
 *   node-llama-cpp's own choice. Only "no GPU here" is quiet: a probe that fails leaves the choice to
 *   node-llama-cpp (`auto`) instead of guessing CPU, and a GPU backend that was found but did not load (a broken
 *   driver or CUDA install) leaves a warning on the runtime (`gpuWarning`), which the embedded backend passes on.
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

/** Lists the GPU backends usable here (`false` stands for the CPU), as node-llama-cpp's `getLlamaGpuTypes`. */
export type GpuLister = () => Promise<readonly (string | false)[]>;

/** What the GPU probe found. */
export interface GpuProbe {
  /** What to start llama.cpp with. */
  gpu: GpuChoice;
  /** The GPU backends found (`cuda`, `vulkan`, `metal`). */
  found: string[];
  /** Why the probe could not tell, when it failed. */
  failure?: unknown;
}

const supportedGpuTypes: GpuLister = async () => (await nodeLlamaCpp()).getLlamaGpuTypes("supported");

/** `auto` when a usable GPU backend is found, or when the probe fails (node-llama-cpp then decides); else false. */
export async function probeGpu(list: GpuLister = supportedGpuTypes): Promise<GpuProbe> {
  try {
    const found = (await list()).filter((type): type is string => type !== false);
    return { gpu: found.length > 0 ? "auto" : false, found };
  } catch (error) {
    return { gpu: "auto", found: [], failure: error };
  }
}

/**
 * Why llama.cpp runs on the CPU although it should not, or undefined: a GPU backend was found (or the probe
 * failed) and llama.cpp started on `started` (false: the CPU).
 */
export function gpuFallbackWarning(probe: GpuProbe, started: string | false): string | undefined {
  if (started !== false || probe.gpu === false) return undefined;
  const check = "`npx node-llama-cpp inspect gpu` shows what it sees";
  if (probe.failure !== undefined) {
    const why = probe.failure instanceof Error ? probe.failure.message : String(probe.failure);
    return `the GPU check failed (${why}) and llama.cpp loaded no GPU backend, so it runs on the CPU; ${check}`;
  }
  return `a GPU backend was found (${probe.found.join(", ")}) but llama.cpp could not load it, so it runs on the CPU (much slower): check the GPU driver and its runtime (e.g. CUDA) installation; ${check}`;
}

const warnings = new WeakMap<Llama, string>();

/** The runtime's GPU warning (see `gpuFallbackWarning`), when it has one. */
export function gpuWarning(llama: Llama): string | undefined {
  return warnings.get(llama);
}

let probed: Promise<GpuProbe> | undefined;

/**
 * The shared Llama (one per GPU choice); `gpu` defaults to what `probeGpu` finds, probed once (`probe` replaces
 * node-llama-cpp's lister, for tests).
 */
export async function engineLlama(options: { gpu?: GpuChoice; probe?: GpuLister } = {}): Promise<Llama> {
  let probe: GpuProbe | undefined;
  if (options.gpu === undefined) {
    if (options.probe === undefined) probed ??= probeGpu();
    probe = await (options.probe === undefined ? probed : probeGpu(options.probe));
  }
  const gpu = options.gpu ?? (probe as GpuProbe).gpu;
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (runtime === undefined) {
    runtime = startLlama(gpu, probe);
    runtime.catch(() => runtimes.delete(key));
    runtimes.set(key, runtime);
  }
  return runtime;
}

async function startLlama(gpu: GpuChoice, probe: GpuProbe | undefined): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await nodeLlamaCpp();
  const start = (choice: GpuChoice) =>
    getLlama({ gpu: choice, build: "never", maxThreads: 0, logLevel: LlamaLogLevel.warn, logger: record });
  try {
    const llama = await start(gpu).catch((error: unknown) => {
      // node-llama-cpp's own `auto` may trip on what broke the probe; the CPU binary still works (and is warned of).
      if (probe?.failure === undefined) throw error;
      return start(false);
    });
    const warning = probe && gpuFallbackWarning(probe, llama.gpu);
    if (warning !== undefined) {
      warnings.set(llama, warning);
      log.push({ level: "warn", message: warning });
    }
    return llama;
  } catch (error) {
    throw new ConfigError(`llama.cpp could not start: ${(error as Error).message}`, {
      where: "node-llama-cpp",
      hint: "reinstall Overtone so npm fetches node-llama-cpp's prebuilt binary for this platform (@node-llama-cpp/<platform>), or build it with `npx node-llama-cpp source build`",
      cause: error,
    });
  }
}

/** Release the native runtime (after every model is disposed); the next `engineLlama` starts a new one. */
export async function disposeEngineLlama(): Promise<void> {
  const all = [...runtimes.values()];
  runtimes.clear();
  for (const runtime of all) await (await runtime.catch(() => undefined))?.dispose();
}
