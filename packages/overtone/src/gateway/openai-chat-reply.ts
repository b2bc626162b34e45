/**
 * A Chat Completions reply without streaming (gateway.md §1.2, rule 1), and what the stream framer
 * (openai-chat-stream.ts) shares with it: finish reasons, usage, tool-call ids and names, the error body.
 *
 * Where each part goes: analysis → the one reasoning field the model is configured for (`reasoning` or
 * `reasoning_content`, never both, never `content`: rule 14); commentary without a recipient (a preamble the
 * user sees) and final → `content` (rule 16); tool calls → `tool_calls` with a fresh `call_…` id, the function
 * name without `functions.`, and the arguments text as the model wrote it (rule 7–9). Several messages of one
 * kind are joined with a blank line, in stream and body alike. A reply that only calls tools has
 * `content: null` (rule 10); one with no answer at all (the budget ran out in the reasoning) has `content: ""`.
 *
 * Finish reasons: `tool-calls` and `stop` → `tool_calls` when calls were sent (rule 6; also for a named
 * tool_choice, where OpenAI says `stop`: clients loop on `tool_calls`, Ollama /v1 sends it too), else `stop` —
 * also for a malformed call that named no tool, since a `tool_calls` reason without calls breaks clients;
 * `length` → `length`, also when the budget ran out inside the reasoning (§6 item 5). `error` (the backend
 * reported a failed generation) and `aborted` (cut off before its end: the client left, or the server's time ran
 * out) are errors, not answers: a 502 before the reply, an error frame in a stream.
 */
import { randomBytes } from "node:crypto";
import { encodeOrdinary, type FinishPart, type Part, type Usage } from "@overtone/harmony";
import { functionName, withoutHarmonyMarkup } from "./clean-text.js";
import { type GatewayError, type ReasoningField, type ReplyMeta, upstreamError } from "./protocol.js";

export type ChatFinishReason = "stop" | "length" | "tool_calls";

/** Between two messages of one kind in `content` or the reasoning field. */
export const MESSAGE_SEPARATOR = "\n\n";

/** The OpenAI error body (rule 22): `{"error":{"message","type","param","code"}}`. */
export function openAIErrorBody(error: GatewayError): {
  error: { message: string; type: string; param: string | null; code: string | null };
} {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** The finish reason of a finished turn; a failed or cut-off one throws (see above). */
export function chatFinishReason(finish: FinishPart, sentToolCalls: boolean): ChatFinishReason {
  switch (finish.reason) {
    case "length":
      return "length";
    case "stop":
    case "tool-calls":
      return sentToolCalls ? "tool_calls" : "stop";
    case "error":
      throw upstreamError(new Error(finish.notice ?? "the backend reported a failed generation"));
    case "aborted":
      throw upstreamError(new Error("the generation was aborted before it finished"));
  }
}

/** A fresh tool-call id: `call_` and 24 random hex digits (unique within any conversation, rule 9). */
export function newToolCallId(): string {
  return `call_${randomBytes(12).toString("hex")}`;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
  prompt_tokens_details?: { cached_tokens: number };
}

/**
 * OpenAI usage from the backend's (rule 12): completion tokens include the reasoning. When the backend does not
 * count reasoning tokens, the analysis text is counted with gpt-oss's tokenizer (the header tokens around it
 * aside), within the output tokens. No usage from the backend: zeros, so clients that add them up keep working.
 */
export function chatUsage(usage: Usage | undefined, reasoningText: string): ChatUsage {
  const prompt = usage?.inputTokens ?? 0;
  const completion = usage?.outputTokens ?? 0;
  const out: ChatUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (usage === undefined) return out;
  const counted = usage.reasoningTokens ?? encodeOrdinary(reasoningText).length;
  out.completion_tokens_details = { reasoning_tokens: Math.min(counted, completion) };
  if (usage.cachedInputTokens !== undefined) {
    out.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  }
  return out;
}

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** The whole reply (rule 1, §1.2); an `error` part, or a failed or cut-off finish, throws a GatewayError. */
export async function chatCompletionBody(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  opts: { reasoningField: ReasoningField },
): Promise<Record<string, unknown>> {
  const reasoning: string[] = [];
  const content: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  let finish: FinishPart | undefined;
  for await (const part of parts) {
    if (part.type === "error") throw upstreamError(part.error);
    if (part.type === "finish") finish = part;
    else if (part.type === "analysis-end") reasoning.push(part.text);
    else if (part.type === "commentary-end" || part.type === "final-end") content.push(part.text);
    else if (part.type === "tool-call-end") {
      toolCalls.push({
        id: newToolCallId(),
        type: "function",
        function: { name: functionName(part.recipient), arguments: withoutHarmonyMarkup(part.text) },
      });
    }
  }
  if (finish === undefined) throw upstreamError(new Error("the backend's stream ended without a finish"));
  const finishReason = chatFinishReason(finish, toolCalls.length > 0);
  const reasoningText = joined(reasoning);
  const text = joined(content);
  const message: Record<string, unknown> = {
    role: "assistant",
    content: text !== "" ? text : toolCalls.length > 0 ? null : "",
    refusal: null,
  };
  if (reasoningText !== "") message[opts.reasoningField] = reasoningText;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: chatUsage(finish.usage, reasoningText),
  };
}

/** Messages' texts, cleaned of markup, without empty ones, joined with a blank line. */
function joined(texts: readonly string[]): string {
  return texts
    .map(withoutHarmonyMarkup)
    .filter((text) => text !== "")
    .join(MESSAGE_SEPARATOR);
}
