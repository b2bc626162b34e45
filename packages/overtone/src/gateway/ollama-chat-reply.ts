/**
 * The reply of Ollama's `POST /api/chat` (gateway.md §4.1, rules 38–42): a backend's parts as NDJSON lines
 * (wire/001, wire/003) or as one `stream: false` body (wire/002, wire/004), with the reasoning in
 * `message.thinking`, the answer in `message.content` and whole tool calls in `message.tool_calls`
 * (ollama-reply.ts builds the events, ollama-lines.ts the lines both endpoints share); and the reply to a request
 * without messages.
 */
import type { Part } from "@overtone/harmony";
import { ollamaBody, ollamaLastLine, ollamaLines, type Placement } from "./ollama-lines.js";
import type { OllamaReplyOptions } from "./ollama-reply.js";
import type { ReplyMeta } from "./protocol.js";

/** Chat puts the text in `message`, as the assistant's. */
const inMessage: Placement = (text) => ({ message: { role: "assistant", ...text } });

/** The stream: one NDJSON line per event (wire/001, wire/003), ending with `done: true` or an error line. */
export function ollamaChatLines(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  options: OllamaReplyOptions = {},
): AsyncGenerator<string, void, undefined> {
  return ollamaLines(parts, meta, inMessage, options);
}

/** The `stream: false` body (wire/002, wire/004); a failure is thrown as a GatewayError. */
export function ollamaChatBody(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  options: OllamaReplyOptions = {},
): Promise<Record<string, unknown>> {
  return ollamaBody(parts, meta, inMessage, options);
}

/** Ollama's answer to a chat request without messages: the model is ready (`load`) or let go (`unload`). */
export function ollamaChatLoadReply(
  model: string,
  reason: "load" | "unload",
  options: OllamaReplyOptions = {},
): Record<string, unknown> {
  return ollamaLastLine(model, reason, inMessage, options);
}
