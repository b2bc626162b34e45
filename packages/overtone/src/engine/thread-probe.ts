/**
 * The auto thread count, measured at load for models whose decode step is short. How much a second llama.cpp
 * thread helps depends on the host, not only on the model: on the 2-vCPU host of 2026-12-07 two threads decoded
 * the tiny gpt-oss at 90 tok/s against 585 on one, and the 8-layer medium model at 87 against 118 (ggml's
 * threadpool waits at a barrier after every op, and there a barrier costs more than the op), while an earlier
 * host gave the tiny model 204 on two against 144 on one (bench/engine-threads.bench.ts). No fixed rule is right
 * on both, so `loadModel` times a few greedy decode steps at each count from 1 to the math cores and keeps the
 * fastest. It costs milliseconds for such models; a larger model keeps the rule of threads.ts, since its step
 * is long next to a barrier and a probe would take seconds. Decode speed decides: it is what a user waits on
 * token by token, and gpt-oss writes long reasoning (prefill on 2 threads may still be faster: see the bench).
 * The answer is remembered per machine and model shape (thread-memory.ts), so only a model's first load probes.
 */
import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import {
  readThreadMemory,
  rememberedThreads,
  rememberThreads,
  type ThreadMemoryKey,
  threadMemoryKey,
} from "./thread-memory.js";

/** Models that read at most this many weight bytes per decoded token get their thread count measured. */
export const PROBE_BELOW_ACTIVE_BYTES = 512 * 2 ** 20;

/** The probe's context when the caller names none (a test); loadModel passes the size it will use. */
const PROBE_CONTEXT = 256;
const WARMUP_STEPS = 2;
const TIMED_STEPS = 12;

export interface ThreadProbe {
  threads: number;
  /** Decode speed per candidate, tokens/s, from the median step. */
  decodeSpeeds: ReadonlyMap<number, number>;
}

/**
 * Decode speed of one context: warm-up steps, then timed greedy steps on a fresh sequence. The median step
 * counts, so a step slowed by other work on the machine does not decide (one pass then suffices: repeating it,
 * as the probe first did, doubled its cost on a cold start). A candidate whose timed steps take longer than
 * `budgetMs` is stopped there: it cannot win, and on a busy machine a thread count that oversubscribes the cores
 * decodes so slowly that finishing its pass made a cold start ~2× slower (bench/engine-cold-start.ts under load).
 */
async function decodeSpeed(
  context: LlamaContext,
  prompt: readonly Token[],
  budgetMs: number,
): Promise<number> {
  const sequence = context.getSequence();
  try {
    const steps: number[] = [];
    let last = performance.now();
    let timedMs = 0;
    for await (const _token of sequence.evaluate([...prompt], { temperature: 0 })) {
      const now = performance.now();
      steps.push(now - last);
      if (steps.length > WARMUP_STEPS) timedMs += now - last;
      last = now;
      if (steps.length === WARMUP_STEPS + TIMED_STEPS || timedMs > budgetMs) break;
    }
    const timed = steps.slice(WARMUP_STEPS).sort((a, b) => a - b);
    const median = timed[Math.floor(timed.length / 2)] ?? Number.POSITIVE_INFINITY;
    return 1000 / median;
  } finally {
    sequence.dispose();
  }
}

/**
 * Times decoding at each candidate thread count and returns the fastest. One context at a time: two live
 * contexts slow each other down (their threadpools spin on the same cores), which made the probe several times
 * slower than the work it measures and its numbers wrong. The contexts have the size of the one the model will
 * keep: node-llama-cpp estimates a context's memory once per size (~0.45 s for gpt-oss, whose 201,088-token
 * output layer dominates the estimate) and reuses the estimate, so a probe at another size paid it twice and was
 * most of a cold start's overhead (bench/engine-cold-start.ts). The KV cache is allocated lazily, so a large
 * context costs the probe nothing more.
 */
export async function probeThreads(
  model: LlamaModel,
  candidates: readonly number[],
  contextSize = PROBE_CONTEXT,
): Promise<ThreadProbe> {
  const prompt = model.tokenize("Threads");
  const decodeSpeeds = new Map<number, number>();
  for (const threads of candidates) {
    const context = await model.createContext({ contextSize, threads, sequences: 1 });
    try {
      // Three times the fastest candidate's whole timed pass: a count that slow cannot win.
      const fastest = Math.max(0, ...decodeSpeeds.values());
      const budgetMs = fastest > 0 ? (3 * TIMED_STEPS * 1000) / fastest : Number.POSITIVE_INFINITY;
      decodeSpeeds.set(threads, await decodeSpeed(context, prompt, budgetMs));
    } finally {
      await context.dispose();
    }
  }
  let best = candidates[0] ?? 1;
  for (const [threads, speed] of decodeSpeeds) if (speed > (decodeSpeeds.get(best) ?? 0)) best = threads;
  return { threads: best, decodeSpeeds };
}

/** Where an auto thread count came from (EngineModelInfo.threadSource). */
export type ThreadSource = "given" | "rule" | "measured" | "remembered";

export interface AutoThreads {
  threads: number;
  source: ThreadSource;
  /** Why a measurement was not remembered (an unreadable memory file, a failed write). */
  warning?: string;
}

export interface AutoThreadOptions {
  /** The context size the model will use (the probe's contexts get the same; see probeThreads). */
  contextSize?: number;
  /** The cache root holding thread-probe.json. */
  cacheDir: string;
  key: ThreadMemoryKey;
  /** Measure even when a count is remembered (and remember the new one). */
  reprobe?: boolean;
}

/**
 * The thread count `loadModel` uses when the caller gives none: threads.ts's rule, then, on a CPU with more
 * than one math core and a model below PROBE_BELOW_ACTIVE_BYTES, the fastest count from 1 to the rule's —
 * remembered from an earlier load of the same shape on this machine (thread-memory.ts), or measured now.
 */
export async function measuredAutoThreads(
  model: LlamaModel,
  rule: number,
  activeBytes: number | undefined,
  memory?: AutoThreadOptions,
): Promise<AutoThreads> {
  if (rule <= 1 || activeBytes === undefined || activeBytes > PROBE_BELOW_ACTIVE_BYTES) {
    return { threads: rule, source: "rule" };
  }
  const candidates = Array.from({ length: rule }, (_, i) => i + 1);
  if (memory === undefined)
    return { threads: (await probeThreads(model, candidates)).threads, source: "measured" };
  const probe = () => probeThreads(model, candidates, memory.contextSize);
  const key = threadMemoryKey(memory.key);
  const known = await readThreadMemory(memory.cacheDir);
  const remembered = memory.reprobe ? undefined : rememberedThreads(known, key);
  if (remembered !== undefined && remembered <= rule) return { threads: remembered, source: "remembered" };
  const measured = await probe();
  if ("unusable" in known) {
    return { threads: measured.threads, source: "measured", warning: `not remembered: ${known.unusable}` };
  }
  try {
    await rememberThreads(memory.cacheDir, known, key, measured);
    return { threads: measured.threads, source: "measured" };
  } catch (error) {
    return {
      threads: measured.threads,
      source: "measured",
      warning: `not remembered: ${(error as Error).message}`,
    };
  }
}
