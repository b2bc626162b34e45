/**
 * The wire form of an Ollama reply, from its events (ollama-reply.ts): NDJSON lines for a stream, one object for
 * `stream: false`, and the answer to a request with nothing to generate. `/api/chat` and `/api/generate` say the
 * same things in the same order — `model`, `created_at`, the text, `done`, then `done_reason` and the counters on
 * the last line — and differ only in where the text goes (chat: in `message`; generate: at the top level, the
 * answer as `response`). So both are built here, each endpoint giving only its `Placement`.
 */
import type { Part } from "@overtone/harmony";
import type { OllamaToolCall } from "../backends/ollama/wire.js";
import {
  collectReply,
  createdAt,
  type OllamaReplyEvent,
  type OllamaReplyOptions,
  ollamaErrorBody,
  ollamaReplyEvents,
} from "./ollama-reply.js";
import type { ReplyMeta } from "./protocol.js";

/** What one line or body carries, in Ollama's field names: the answer text, reasoning and calls when any. */
export interface OllamaText {
  content: string;
  thinking?: string;
  tool_calls?: OllamaToolCall[];
}

/** Where an endpoint puts the text of a line or body. */
export type Placement = (text: OllamaText) => Record<string, unknown>;

/** The stream: one NDJSON line per event, ending with `done: true` or an error line. */
export async function* ollamaLines(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  place: Placement,
  options: OllamaReplyOptions = {},
): AsyncGenerator<string, void, undefined> {
  for await (const event of ollamaReplyEvents(parts, options)) {
    yield `${JSON.stringify(line(event, meta, place, options))}\n`;
  }
}

function line(
  event: OllamaReplyEvent,
  meta: ReplyMeta,
  place: Placement,
  options: OllamaReplyOptions,
): object {
  if (event.type === "error") return ollamaErrorBody(event.error);
  const head = { model: meta.model, created_at: createdAt(options) };
  switch (event.type) {
    case "thinking":
      return { ...head, ...place({ content: "", thinking: event.text }), done: false };
    case "content":
      return { ...head, ...place({ content: event.text }), done: false };
    case "tool-call":
      return { ...head, ...place({ content: "", tool_calls: [event.call] }), done: false };
    case "done":
      return { ...ollamaLastLine(meta.model, event.doneReason, place, options), ...event.metrics };
  }
}

/** The `stream: false` body; a failure is thrown as a GatewayError. */
export async function ollamaBody(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  place: Placement,
  options: OllamaReplyOptions = {},
): Promise<Record<string, unknown>> {
  const reply = await collectReply(ollamaReplyEvents(parts, options));
  const text: OllamaText = {
    content: reply.content,
    ...(reply.thinking !== "" ? { thinking: reply.thinking } : {}),
    ...(reply.toolCalls.length > 0 ? { tool_calls: reply.toolCalls } : {}),
  };
  return { ...ollamaLastLine(meta.model, reply.doneReason, place, options, text), ...reply.metrics };
}

/**
 * A line with `done: true`, without counters: a reply's end (the counters follow), or the whole answer to a
 * request with nothing to generate (`load`: the model is ready; `unload`: let go).
 */
export function ollamaLastLine(
  model: string,
  reason: "stop" | "length" | "load" | "unload",
  place: Placement,
  options: OllamaReplyOptions = {},
  text: OllamaText = { content: "" },
): Record<string, unknown> {
  return { model, created_at: createdAt(options), ...place(text), done: true, done_reason: reason };
}
