/**
 * Chat Completions answers → stream parts. Streams are SSE `chat.completion.chunk`s (reasoning in
 * `reasoning_content` / `reasoning` / `thinking`, content, `tool_calls` fragments keyed by `index`), a
 * `finish_reason`, then — with `stream_options.include_usage` — a chunk with `choices: []`, `usage` and, from
 * llama-server, `timings`, then `data: [DONE]` (reference/wire 031, 033). A non-streaming answer is one
 * `chat.completion` with the same fields on `message`.
 *
 * Failure modes handled: an error object in the stream (→ `error` part with a BackendError), a body that
 * breaks off or ends before the server said it finished (→ retryable BackendError), abort (→ `finish: aborted`,
 * the request cancelled).
 */
import { AbortedError, BackendError } from "@overtone/errors";
import type { FinishReason, Part, Timings, Usage } from "@overtone/harmony";
import { toBackendError } from "../../net/http.js";
import type { UpstreamResponse } from "../../net/http-stream.js";
import { reasoningOf } from "../gpt-oss-profile.js";
import { bodyOf } from "./abortable.js";
import { isErrorEvent, streamError } from "./server-errors.js";
import { sseEventBatches } from "./sse.js";
import { drain, WirePartsBuilder } from "./wire-parts.js";

export interface PartsContext {
  url: string;
  signal?: AbortSignal;
  /** When the request was sent (performance.now), for `firstTokenMs` and `totalMs`. */
  startedAt: number;
}

type Json = Record<string, unknown>;

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "stop",
  error: "error",
};

/** Collects what arrives besides content: the reason, usage, timings. */
class FinishState {
  reason: FinishReason | undefined;
  usage: Usage | undefined;
  serverTimings: Timings = {};
  firstTokenMs: number | undefined;
  sawToolCall = false;

  constructor(private readonly startedAt: number) {}

  read(chunk: Json): void {
    const usage = chunk.usage as Json | null | undefined;
    if (usage !== undefined && usage !== null) this.usage = usageOf(usage);
    const timings = chunk.timings as Json | undefined;
    if (timings !== undefined && timings !== null) {
      if (typeof timings.prompt_ms === "number") this.serverTimings.promptMs = timings.prompt_ms;
      if (typeof timings.predicted_ms === "number") this.serverTimings.generationMs = timings.predicted_ms;
    }
  }

  mark(): void {
    this.firstTokenMs ??= performance.now() - this.startedAt;
  }

  timings(): Timings {
    return {
      ...(this.firstTokenMs !== undefined ? { firstTokenMs: this.firstTokenMs } : {}),
      totalMs: performance.now() - this.startedAt,
      ...this.serverTimings,
    };
  }

  finishReason(): FinishReason {
    // Some servers say `stop` for a turn that ended in a tool call (Ollama's /v1, older LM Studio).
    if (this.sawToolCall && (this.reason === "stop" || this.reason === undefined)) return "tool-calls";
    return this.reason ?? "stop";
  }
}

export function usageOf(usage: Json): Usage {
  const details = (usage.completion_tokens_details ?? usage.output_tokens_details) as Json | undefined;
  const reasoning = details?.reasoning_tokens;
  return {
    inputTokens: Number(usage.prompt_tokens ?? usage.input_tokens ?? 0),
    outputTokens: Number(usage.completion_tokens ?? usage.output_tokens ?? 0),
    ...(typeof reasoning === "number" ? { reasoningTokens: reasoning } : {}),
  };
}

function applyChoice(choice: Json, part: Json, builder: WirePartsBuilder, state: FinishState): void {
  const reasoning = reasoningOf(part);
  if (reasoning !== undefined) builder.reasoning(reasoning);
  if (typeof part.content === "string") builder.content(part.content);
  const calls = part.tool_calls;
  if (Array.isArray(calls)) {
    calls.forEach((call: Json, position) => {
      const fn = (call.function ?? {}) as Json;
      const args =
        typeof fn.arguments === "string"
          ? fn.arguments
          : fn.arguments === undefined
            ? undefined
            : JSON.stringify(fn.arguments);
      state.sawToolCall = true;
      builder.toolCall(
        typeof call.index === "number" ? call.index : position,
        typeof fn.name === "string" ? fn.name : undefined,
        args,
      );
    });
  }
  const reason = choice.finish_reason;
  if (typeof reason === "string") state.reason = FINISH_REASONS[reason] ?? "stop";
}

/** Parts from a streamed Chat Completions response (status already checked). */
export async function* chatStreamParts(
  response: UpstreamResponse,
  context: PartsContext,
): AsyncGenerator<Part> {
  const queue: Part[] = [];
  const builder = new WirePartsBuilder((part) => queue.push(part));
  const state = new FinishState(context.startedAt);
  let sawDone = false;
  try {
    reading: for await (const events of sseEventBatches(bodyOf(response), context.signal)) {
      for (const event of events) {
        if (event.data === "[DONE]") {
          sawDone = true;
          break reading;
        }
        const chunk = parseEvent(event.data, context.url);
        if (isErrorEvent(chunk)) throw streamError(chunk, context.url, event.data);
        state.mark();
        state.read(chunk);
        const choice = (chunk.choices as Json[] | undefined)?.[0];
        if (choice !== undefined) applyChoice(choice, (choice.delta ?? {}) as Json, builder, state);
      }
      for (const part of drain(queue)) yield part;
    }
    if (!sawDone && state.reason === undefined) {
      throw new BackendError(`${context.url}: the stream ended before the server said it was finished`, {
        url: context.url,
        retryable: true,
        hint: "the server may have crashed or dropped the connection; retry",
      });
    }
    builder.finish({ reason: state.finishReason(), ...usagePart(state), timings: state.timings() });
  } catch (error) {
    if (error instanceof AbortedError || context.signal?.aborted) builder.abort({ timings: state.timings() });
    else
      builder.fail(
        error instanceof BackendError ? error : toBackendError(error, context.url, "reading the stream"),
      );
  }
  for (const part of drain(queue)) yield part;
}

/** Parts from a non-streaming Chat Completions answer (one JSON object). */
export function chatJsonParts(answer: Json, context: PartsContext): Part[] {
  const queue: Part[] = [];
  const builder = new WirePartsBuilder((part) => queue.push(part));
  const state = new FinishState(context.startedAt);
  if (isErrorEvent(answer)) {
    builder.fail(streamError(answer, context.url, JSON.stringify(answer)));
    return queue;
  }
  state.mark();
  state.read(answer);
  const choice = (answer.choices as Json[] | undefined)?.[0];
  if (choice !== undefined) applyChoice(choice, (choice.message ?? {}) as Json, builder, state);
  builder.finish({ reason: state.finishReason(), ...usagePart(state), timings: state.timings() });
  return queue;
}

function usagePart(state: FinishState): { usage?: Usage } {
  return state.usage !== undefined ? { usage: state.usage } : {};
}

function parseEvent(data: string, url: string): Json {
  let failure: unknown;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Json;
  } catch (error) {
    failure = error; // reported below, as its cause
  }
  throw new BackendError(`${url} sent a stream event that is not a JSON object: ${data.slice(0, 200)}`, {
    url,
    body: data.slice(0, 2_000),
    retryable: false,
    cause: failure,
  });
}
