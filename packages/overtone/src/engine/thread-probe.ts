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
 */
import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";

/** Models that read at most this many weight bytes per decoded token get their thread count measured. */
export const PROBE_BELOW_ACTIVE_BYTES = 512 * 2 ** 20;

const PROBE_CONTEXT = 256;
const WARMUP_STEPS = 2;
const TIMED_STEPS = 12;
const ROUNDS = 2;

export interface ThreadProbe {
  threads: number;
  /** Best decode speed seen per candidate, tokens/s. */
  decodeSpeeds: ReadonlyMap<number, number>;
}

/** Decode speed of one context: warm-up steps, then timed greedy steps on a fresh sequence. */
async function decodeSpeed(context: LlamaContext, prompt: readonly Token[]): Promise<number> {
  const sequence = context.getSequence();
  try {
    let steps = 0;
    let started = 0;
    for await (const _token of sequence.evaluate([...prompt], { temperature: 0 })) {
      steps++;
      if (steps === WARMUP_STEPS) started = performance.now();
      if (steps === WARMUP_STEPS + TIMED_STEPS) break;
    }
    return (TIMED_STEPS * 1000) / (performance.now() - started);
  } finally {
    sequence.dispose();
  }
}

/** Times decoding at each candidate thread count (rounds interleaved, best of each) and returns the fastest. */
export async function probeThreads(model: LlamaModel, candidates: readonly number[]): Promise<ThreadProbe> {
  const prompt = model.tokenize("Threads");
  const contexts: [number, LlamaContext][] = [];
  const decodeSpeeds = new Map<number, number>();
  try {
    for (const threads of candidates) {
      contexts.push([
        threads,
        await model.createContext({ contextSize: PROBE_CONTEXT, threads, sequences: 1 }),
      ]);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [threads, context] of contexts) {
        const speed = await decodeSpeed(context, prompt);
        decodeSpeeds.set(threads, Math.max(speed, decodeSpeeds.get(threads) ?? 0));
      }
    }
  } finally {
    for (const [, context] of contexts) await context.dispose();
  }
  let best = candidates[0] ?? 1;
  for (const [threads, speed] of decodeSpeeds) if (speed > (decodeSpeeds.get(best) ?? 0)) best = threads;
  return { threads: best, decodeSpeeds };
}

/**
 * The thread count `loadModel` uses when the caller gives none: threads.ts's rule, then, on a CPU with more
 * than one math core and a model below PROBE_BELOW_ACTIVE_BYTES, the fastest count from 1 to the rule's.
 */
export async function measuredAutoThreads(model: LlamaModel, rule: number, activeBytes: number | undefined) {
  if (rule <= 1 || activeBytes === undefined || activeBytes > PROBE_BELOW_ACTIVE_BYTES) return rule;
  const candidates = Array.from({ length: rule }, (_, i) => i + 1);
  return (await probeThreads(model, candidates)).threads;
}
