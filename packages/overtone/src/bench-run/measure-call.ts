/**
 * One call measured the way the serving benchmarks agree on (reference/bench-and-agent.md A6; vLLM's
 * definitions): over the stream, on a monotonic clock started just before the request is made.
 *
 *   - TTFT: the first generated token. A Harmony message opens with header tokens that carry no text
 *     (`<|channel|>analysis<|message|>`), so the backend's reader times the first token or chunk it gets, from the
 *     moment the request went out (`timings.firstTokenMs`); only when it has none, the first part with text.
 *   - TTFAT: the first visible answer text — a `final` or preamble delta, or a tool call — after the reasoning;
 *     later than the first text exactly when the model reasoned first.
 *   - ITL: the gaps between parts carrying text; E2E: the stream's end (its finish or error).
 *   - TPOT = (E2E − TTFT) / (output tokens − 1), decode tok/s = its inverse; prefill tok/s = prompt tokens
 *     evaluated / TTFT. Token counts are the server's (usage), never counted from chunks: a chunk can hold several.
 *
 * The backend's own figures (llama-server's `timings`, Ollama's durations, the engine's) are kept beside the
 * client's, never mixed in: a report shows both, and the test holds them to each other.
 */
import type { FinishReason, Part, Timings, Usage } from "@overtone/harmony";
import type { Backend, GenerateRequest } from "../backends/contract.js";

export interface CallTexts {
  reasoning: string;
  /** The visible answer: final messages and preambles, in order. */
  answer: string;
  /** Tool calls made, as `recipient(arguments)`. */
  toolCalls: string[];
}

export interface ClientTimings {
  ttftMs: number | null;
  /** The first part with text (reasoning or answer). */
  firstTextMs: number | null;
  ttfatMs: number | null;
  e2eMs: number;
  /** Gaps between text-carrying parts: how many, their mean, median, p90 and the largest. */
  itlMs: { count: number; mean: number; p50: number; p90: number; max: number } | null;
  tpotMs: number | null;
  decodeTokensPerSecond: number | null;
  prefillTokensPerSecond: number | null;
}

export interface ServerTimings {
  promptMs: number | null;
  generationMs: number | null;
  loadMs: number | null;
  prefillTokensPerSecond: number | null;
  decodeTokensPerSecond: number | null;
}

export interface MeasuredCall {
  texts: CallTexts;
  finishReason: FinishReason | "error";
  /** The finish part's notice (why an answer is empty, a repair, …) or the error's message. */
  notice: string | null;
  usage: Usage | null;
  client: ClientTimings;
  server: ServerTimings;
}

const TEXT_DELTAS = new Set(["analysis-delta", "final-delta", "commentary-delta", "tool-call-delta"]);

/** Runs `request` on `backend` and measures it; never throws for a failed generation (it is recorded). */
export async function measureCall(backend: Backend, request: GenerateRequest): Promise<MeasuredCall> {
  const texts: CallTexts = { reasoning: "", answer: "", toolCalls: [] };
  const textTimes: number[] = [];
  let ttfat: number | null = null;
  let finish: Extract<Part, { type: "finish" }> | undefined;
  let failure: Error | undefined;
  const started = performance.now();
  for await (const part of backend.stream(request)) {
    const at = performance.now() - started;
    if (TEXT_DELTAS.has(part.type) && "delta" in part && part.delta !== "") textTimes.push(at);
    if (part.type === "analysis-delta") texts.reasoning += part.delta;
    else if ((part.type === "final-delta" || part.type === "commentary-delta") && part.delta !== "") {
      texts.answer += part.delta;
      ttfat ??= at;
    } else if (part.type === "tool-call-start") ttfat ??= at;
    else if (part.type === "tool-call-end") texts.toolCalls.push(`${part.recipient}(${part.text})`);
    else if (part.type === "finish") finish = part;
    else if (part.type === "error") failure = part.error;
  }
  const e2eMs = performance.now() - started;
  const usage = finish?.usage ?? null;
  const ttft = finish?.timings?.firstTokenMs ?? textTimes[0] ?? null;
  return {
    texts,
    finishReason: finish?.reason ?? "error",
    notice: failure?.message ?? finish?.notice ?? null,
    usage,
    client: clientTimings(textTimes, ttft, ttfat, e2eMs, usage),
    server: serverTimings(finish?.timings, usage),
  };
}

function clientTimings(
  textTimes: readonly number[],
  ttft: number | null,
  ttfat: number | null,
  e2eMs: number,
  usage: Usage | null,
): ClientTimings {
  const gaps = textTimes.slice(1).map((t, i) => t - (textTimes[i] as number));
  const out = usage?.outputTokens ?? 0;
  const tpot = ttft !== null && out > 1 ? (e2eMs - ttft) / (out - 1) : null;
  return {
    ttftMs: ttft,
    firstTextMs: textTimes[0] ?? null,
    ttfatMs: ttfat,
    e2eMs,
    itlMs: gaps.length === 0 ? null : spread(gaps),
    tpotMs: tpot,
    decodeTokensPerSecond: tpot !== null && tpot > 0 ? 1000 / tpot : null,
    prefillTokensPerSecond:
      ttft !== null && ttft > 0 && usage !== null ? (1000 * promptEvaluated(usage)) / ttft : null,
  };
}

function serverTimings(timings: Timings | undefined, usage: Usage | null): ServerTimings {
  const promptMs = timings?.promptMs ?? null;
  const generationMs = timings?.generationMs ?? null;
  const perSecond = (tokens: number | undefined, ms: number | null) =>
    tokens !== undefined && ms !== null && ms > 0 ? (1000 * tokens) / ms : null;
  return {
    promptMs,
    generationMs,
    loadMs: timings?.loadMs ?? null,
    prefillTokensPerSecond:
      timings?.promptTokensPerSecond ?? perSecond(usage ? promptEvaluated(usage) : undefined, promptMs),
    decodeTokensPerSecond: timings?.generationTokensPerSecond ?? perSecond(usage?.outputTokens, generationMs),
  };
}

/** Prompt tokens the server evaluated: a cached prefix costs no prefill. */
function promptEvaluated(usage: Usage): number {
  return usage.inputTokens - (usage.cachedInputTokens ?? 0);
}

function spread(values: readonly number[]): {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  max: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))] as number;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return { count: sorted.length, mean, p50: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] as number };
}
