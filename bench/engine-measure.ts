/**
 * Measuring helpers for the engine benches: one greedy run through raw node-llama-cpp (a context's sequence fed
 * token ids, the baseline) or through Overtone's engine, timed the same way for both, and the thread sweep.
 *
 * Prefill speed = evaluated prompt tokens / time from the start of their evaluation to the first generated
 * token. Each side's KV-cache bookkeeping stays outside it, alike: raw gets a fresh sequence and clears it in
 * dispose(), untimed; Overtone keeps the last request's cache for prefix reuse and erases what differs just
 * before the prefill, which it reports apart (`bookkeepingMs`, also inside `firstTokenMs`). Decode speed =
 * (tokens − 1) / time from the first token to the end of the run, as the consumer sees it (Overtone's parsing
 * included). The shared 2-core machine is noisy (±30 % between runs), so settings are measured in interleaved
 * rounds and compared by their medians.
 */

import {
  developerContent,
  developerMessage,
  type Message,
  message,
  renderConversationForCompletion,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import type { EngineModel } from "../packages/overtone/src/engine/index.js";

export interface Speed {
  prefill: number;
  /** Time to the first generated token, ms (the prefill plus any fixed cost of a request). */
  firstTokenMs: number;
  /** Time before the prefill starts, ms: Overtone's KV-cache bookkeeping (0 for raw, whose is untimed). */
  bookkeepingMs: number;
  decode: number;
  /** CPU time of the whole run (all threads of the process), ms: far less disturbed by other processes. */
  cpuMs: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** A developer message with a pasted 30-day forecast table: what makes a real gpt-oss prompt long. */
function forecastNotes(): Message {
  const cities = ["Oslo", "Bergen", "Trondheim"];
  const rows = Array.from({ length: 30 }, (_, day) =>
    cities.map((city, c) => `${city} ${((day * 7 + c * 5) % 15) - 3}°C, wind ${(day + c * 3) % 12} m/s`),
  ).map((cells, day) => `Day ${day + 1}: ${cells.join("; ")}.`);
  const instructions = `Answer from these forecast notes only.\n${rows.join("\n")}`;
  return developerMessage(developerContent({ instructions }));
}

/**
 * A prompt whose first text differs per round, so no run reuses another's KV cache (Overtone's prefix reuse
 * would otherwise skip the prefill it is measured on): ~100 tokens, or ~1,200 with a developer message of
 * forecast notes (`long`), the size of a gpt-oss prompt with instructions or tools.
 */
export function benchPrompt(round: number, long = false): number[] {
  // The first words differ per round and size, so no prompt shares more than a few tokens with another.
  const identity = `${long ? "Long round" : "Round"} ${round}. You are a careful assistant who answers questions about the weather.`;
  const question =
    "Please describe, in a few sentences, what the weather is usually like in Oslo in early spring, " +
    "how it compares with Bergen and Trondheim, and what a visitor should pack for a week of walking.";
  return renderConversationForCompletion(
    {
      messages: [
        systemMessage(systemContent({ model_identity: identity, reasoning_effort: "Low" })),
        ...(long ? [forecastNotes()] : []),
        message("user", question),
      ],
    },
    "assistant",
  );
}

/** Greedy generation of `count` tokens straight through node-llama-cpp; stops early after `maxMs`. */
export async function rawRun(
  context: LlamaContext,
  prompt: readonly number[],
  count: number,
  maxMs = Number.POSITIVE_INFINITY,
): Promise<Speed> {
  const sequence = context.getSequence();
  try {
    const cpu = process.cpuUsage();
    const start = performance.now();
    let first = 0;
    let n = 0;
    for await (const _ of sequence.evaluate(prompt as Token[], { temperature: 0 })) {
      if (n === 0) first = performance.now();
      n++;
      if (n >= count || performance.now() - start > maxMs) break;
    }
    const end = performance.now();
    return {
      prefill: (prompt.length / (first - start)) * 1000,
      firstTokenMs: first - start,
      bookkeepingMs: 0,
      decode: ((n - 1) / (end - first)) * 1000,
      cpuMs: cpuMsSince(cpu),
    };
  } finally {
    await sequence.dispose();
  }
}

/** The same run through Overtone: rendered ids in, Parts out, consumed to the `finish` part. */
export async function overtoneRun(
  model: EngineModel,
  prompt: readonly number[],
  count: number,
): Promise<Speed> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let firstTokenMs = 0;
  let promptMs = 0;
  let evaluated = 0;
  let outputTokens = 0;
  for await (const part of model.generateFromTokens(prompt, { temperature: 0, maxTokens: count })) {
    if (part.type === "error") throw part.error;
    if (part.type === "finish") {
      firstTokenMs = part.timings?.firstTokenMs ?? 0;
      promptMs = part.timings?.promptMs ?? 0;
      outputTokens = part.usage?.outputTokens ?? 0;
      const cached = part.usage?.cachedInputTokens ?? 0;
      // Only `<|start|>system<|message|>Round` may come from the cache (benchPrompt).
      if (cached > 8) throw new Error(`expected no cached prefix, got ${cached} tokens`);
      evaluated = prompt.length - cached;
    }
  }
  const end = performance.now();
  return {
    prefill: (evaluated / promptMs) * 1000,
    firstTokenMs,
    bookkeepingMs: firstTokenMs - promptMs,
    decode: ((outputTokens - 1) / (end - start - firstTokenMs)) * 1000,
    cpuMs: cpuMsSince(cpu),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface SweepRow {
  threads: number;
  prefill: number;
  decode: number;
}

/**
 * Median speeds per thread count, measured in `rounds` interleaved rounds. Each run gets a fresh context that
 * is disposed right after: a context's thread count is fixed when it is made, and an idle context's ggml
 * workers keep polling for a while after their last job, which would slow whichever setting runs next.
 * `maxMs` caps a run: settings with more threads than cores can be 100× slower.
 */
export async function threadSweep(
  model: LlamaModel,
  settings: readonly number[],
  options: { rounds: number; tokens: number; contextSize: number; maxMs: number },
): Promise<SweepRow[]> {
  const unique = [...new Set(settings)];
  const runs = new Map<number, Speed[]>(unique.map((t) => [t, []]));
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order so a slow spell of the machine does not always hit the same setting.
    for (const threads of round % 2 === 0 ? unique : [...unique].reverse()) {
      const context = await model.createContext({ contextSize: options.contextSize, threads, sequences: 1 });
      try {
        runs.get(threads)?.push(await rawRun(context, benchPrompt(round), options.tokens, options.maxMs));
      } finally {
        await context.dispose();
      }
    }
  }
  return [...runs].map(([threads, speeds]) => ({
    threads,
    prefill: median(speeds.map((s) => s.prefill)),
    decode: median(speeds.map((s) => s.decode)),
  }));
}

export const fmt = (perSecond: number): string => `${perSecond.toFixed(0)} tok/s`.padStart(12);
