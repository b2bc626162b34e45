/**
 * What `/api/chat` and `/api/generate` replies are made of, from a backend's parts (gateway.md §4.1, §4.5; rules
 * 38–40, 42): reasoning text (`thinking`), answer text (commentary preambles count as answer, rule 16), whole
 * tool calls, then one end — `done` with Ollama's counters, or an error. The two endpoints only differ in where
 * they put these (chat: `message.*`; generate: top level), so the stream and the non-stream body of both are
 * built from the same events, and a client sees the same text either way.
 *
 * Decisions where Ollama's wire leaves room:
 *   - each tool call is emitted whole at its end (Ollama builds calls only when the message ends), with an id
 *     `call_<8 chars>` like hosted Ollama's and `index` counting calls in this reply from 0;
 *   - arguments that are not a JSON object fail the reply the way Ollama does (`error parsing tool call:
 *     raw='…', err=…`, wire/009–010): passing a string or `{}` would hand ChatOllama wrong arguments silently;
 *   - `done_reason` is `stop` also after a tool call (native Ollama; only its /v1 layer says `tool_calls`), and
 *     `length` when the token budget ran out, inside reasoning too (§6 item 5);
 *   - a finish with reason `error` or `aborted` is an error, not a `done`: nothing finished normally;
 *   - text and tool-call arguments pass clean-text's markup filter, as in the OpenAI protocols (rule 15): a
 *     model or server that leaks `<|channel|>` and the like into text does not pass it on;
 *   - every counter is an integer in nanoseconds (tokens for the counts), on the final line only; one the
 *     backend did not report is derived from the timings it did report, else 0. `total_duration` falls back to
 *     the time this reply took.
 */
import { randomBytes } from "node:crypto";
import type { FinishPart, Part } from "@overtone/harmony";
import type { OllamaMetrics, OllamaToolCall } from "../backends/ollama/wire.js";
import { functionName, MarkupFilter, withoutHarmonyMarkup } from "./clean-text.js";
import { GatewayError, upstreamError } from "./protocol.js";

export interface OllamaReplyOptions {
  /** For `created_at` and the measured duration; default the system clock. */
  now?: () => Date;
}

export type OllamaReplyEvent =
  | { type: "thinking"; text: string }
  | { type: "content"; text: string }
  | { type: "tool-call"; call: OllamaToolCall }
  | { type: "done"; doneReason: "stop" | "length"; metrics: Required<OllamaMetrics> }
  | { type: "error"; error: GatewayError };

/** Ollama's `created_at`: RFC 3339 in UTC with milliseconds. */
export function createdAt(options: OllamaReplyOptions): string {
  return (options.now?.() ?? new Date()).toISOString();
}

/** The body of any Ollama error reply, before or during a stream (rule 42): `{"error": "<message>"}`. */
export function ollamaErrorBody(error: GatewayError): { error: string } {
  return { error: error.message };
}

/** The reply's events; always ends with exactly one `done` or `error`. */
export async function* ollamaReplyEvents(
  parts: AsyncIterable<Part>,
  options: OllamaReplyOptions = {},
): AsyncGenerator<OllamaReplyEvent, void, undefined> {
  const clock = () => (options.now?.() ?? new Date()).getTime();
  const started = clock();
  const written = { thinking: false, content: false };
  /** The field whose next text starts a new message: it gets a "\n" after the earlier message's text. */
  let fresh: "thinking" | "content" | undefined;
  /** The markup filter of the message whose text is streaming. */
  let filter = new MarkupFilter();
  let calls = 0;
  for await (const part of parts) {
    let field: "thinking" | "content" | undefined;
    let piece: string;
    switch (part.type) {
      case "analysis-start":
      case "commentary-start":
      case "final-start":
        fresh = part.type === "analysis-start" ? "thinking" : "content";
        filter = new MarkupFilter();
        continue;
      case "analysis-delta":
      case "commentary-delta":
      case "final-delta":
        field = part.type === "analysis-delta" ? "thinking" : "content";
        piece = filter.push(part.delta);
        break;
      case "analysis-end":
      case "commentary-end":
      case "final-end":
        field = part.type === "analysis-end" ? "thinking" : "content";
        piece = filter.flush();
        break;
      case "tool-call-end": {
        const call = toolCall(part.recipient, withoutHarmonyMarkup(part.text), calls++);
        if (call instanceof GatewayError) {
          yield { type: "error", error: call };
          return;
        }
        yield { type: "tool-call", call };
        continue;
      }
      case "finish":
        yield finishEvent(part, clock() - started);
        return;
      case "error":
        yield { type: "error", error: upstreamError(part.error) };
        return;
      default:
        continue;
    }
    if (piece === "") continue;
    const text = fresh === field && written[field] ? `\n${piece}` : piece;
    if (fresh === field) fresh = undefined;
    written[field] = true;
    yield { type: field, text };
  }
  yield { type: "error", error: upstreamError(new Error("the backend's stream ended without a finish")) };
}

/** A call as Ollama sends it: arguments parsed into an object, or the error Ollama reports for them. */
function toolCall(recipient: string, text: string, index: number): OllamaToolCall | GatewayError {
  let args: unknown = {};
  let failure = "arguments are not a JSON object";
  if (text.trim() !== "") {
    try {
      args = JSON.parse(text);
    } catch (error) {
      failure = (error as Error).message;
      args = undefined;
    }
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return new GatewayError(502, `error parsing tool call: raw='${text}', err=${failure}`, {
      code: "tool_call_parse_error",
    });
  }
  return {
    id: `call_${randomBytes(4).toString("hex")}`,
    function: { index, name: functionName(recipient), arguments: args as Record<string, unknown> },
  };
}

function finishEvent(finish: FinishPart, measuredMs: number): OllamaReplyEvent {
  switch (finish.reason) {
    case "stop":
    case "tool-calls":
      return { type: "done", doneReason: "stop", metrics: metrics(finish, measuredMs) };
    case "length":
      return { type: "done", doneReason: "length", metrics: metrics(finish, measuredMs) };
    case "aborted":
      return {
        type: "error",
        error: new GatewayError(499, "the request was cancelled before the model finished", {
          code: "aborted",
        }),
      };
    case "error":
      return {
        type: "error",
        error: upstreamError(new Error(finish.notice ?? "the backend reported a failed generation")),
      };
  }
}

const NS_PER_MS = 1e6;

/** Ollama's counters (api.Metrics) from the finish part's usage and timings. */
function metrics(finish: FinishPart, measuredMs: number): Required<OllamaMetrics> {
  const t = finish.timings ?? {};
  const totalMs = t.totalMs ?? measuredMs;
  const loadMs = t.loadMs ?? 0;
  const promptMs = t.promptMs ?? (t.firstTokenMs !== undefined ? Math.max(0, t.firstTokenMs - loadMs) : 0);
  const generationMs =
    t.generationMs ?? (t.firstTokenMs !== undefined ? Math.max(0, totalMs - t.firstTokenMs) : 0);
  const ns = (ms: number) => Math.round(ms * NS_PER_MS);
  return {
    total_duration: ns(totalMs),
    load_duration: ns(loadMs),
    prompt_eval_count: finish.usage?.inputTokens ?? 0,
    prompt_eval_duration: ns(promptMs),
    eval_count: finish.usage?.outputTokens ?? 0,
    eval_duration: ns(generationMs),
  };
}

/** A whole reply collected, for the non-stream bodies; an error event is thrown. */
export interface CollectedReply {
  thinking: string;
  content: string;
  toolCalls: OllamaToolCall[];
  doneReason: "stop" | "length";
  metrics: Required<OllamaMetrics>;
}

export async function collectReply(events: AsyncIterable<OllamaReplyEvent>): Promise<CollectedReply> {
  let thinking = "";
  let content = "";
  const toolCalls: OllamaToolCall[] = [];
  for await (const event of events) {
    if (event.type === "thinking") thinking += event.text;
    else if (event.type === "content") content += event.text;
    else if (event.type === "tool-call") toolCalls.push(event.call);
    else if (event.type === "error") throw event.error;
    else return { thinking, content, toolCalls, doneReason: event.doneReason, metrics: event.metrics };
  }
  throw upstreamError(new Error("the backend's stream ended without a finish"));
}
