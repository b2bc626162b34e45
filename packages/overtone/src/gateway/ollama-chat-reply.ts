/**
 * The reply of Ollama's `POST /api/chat` (gateway.md §4.1, rules 38–42): a backend's parts as NDJSON lines
 * (wire/001, wire/003) or as one `stream: false` body (wire/002, wire/004), with the reasoning in
 * `message.thinking`, the answer in `message.content` and whole tool calls in `message.tool_calls`
 * (ollama-reply.ts builds the events both share); and the reply to a request without messages.
 */
import type { Part } from "@overtone/harmony";
import {
  collectReply,
  createdAt,
  type OllamaReplyEvent,
  type OllamaReplyOptions,
  ollamaErrorBody,
  ollamaReplyEvents,
} from "./ollama-reply.js";
import type { ReplyMeta } from "./protocol.js";

/** The stream: one NDJSON line per event (wire/001, wire/003), ending with `done: true` or an error line. */
export async function* ollamaChatLines(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  options: OllamaReplyOptions = {},
): AsyncGenerator<string, void, undefined> {
  for await (const event of ollamaReplyEvents(parts, options)) {
    yield `${JSON.stringify(chatLine(event, meta, options))}\n`;
  }
}

function chatLine(event: OllamaReplyEvent, meta: ReplyMeta, options: OllamaReplyOptions): object {
  if (event.type === "error") return ollamaErrorBody(event.error);
  const head = { model: meta.model, created_at: createdAt(options) };
  switch (event.type) {
    case "thinking":
      return { ...head, message: { role: "assistant", content: "", thinking: event.text }, done: false };
    case "content":
      return { ...head, message: { role: "assistant", content: event.text }, done: false };
    case "tool-call":
      return { ...head, message: { role: "assistant", content: "", tool_calls: [event.call] }, done: false };
    case "done":
      return {
        ...head,
        message: { role: "assistant", content: "" },
        done: true,
        done_reason: event.doneReason,
        ...event.metrics,
      };
  }
}

/** The `stream: false` body (wire/002, wire/004); a failure is thrown as a GatewayError. */
export async function ollamaChatBody(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  options: OllamaReplyOptions = {},
): Promise<Record<string, unknown>> {
  const reply = await collectReply(ollamaReplyEvents(parts, options));
  return {
    model: meta.model,
    created_at: createdAt(options),
    message: {
      role: "assistant",
      content: reply.content,
      ...(reply.thinking !== "" ? { thinking: reply.thinking } : {}),
      ...(reply.toolCalls.length > 0 ? { tool_calls: reply.toolCalls } : {}),
    },
    done: true,
    done_reason: reply.doneReason,
    ...reply.metrics,
  };
}

/** Ollama's answer to a chat request without messages: the model is ready (`load`) or let go (`unload`). */
export function ollamaChatLoadReply(
  model: string,
  reason: "load" | "unload",
  options: OllamaReplyOptions = {},
): Record<string, unknown> {
  return {
    model,
    created_at: createdAt(options),
    message: { role: "assistant", content: "" },
    done: true,
    done_reason: reason,
  };
}
