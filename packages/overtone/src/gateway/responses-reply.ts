/**
 * The Responses API response object (gateway.md §2.2) and the whole, non-stream reply.
 *
 * The object echoes what the request set (instructions, tools, tool_choice, sampling, `text.format`, metadata)
 * and reports how the turn ended: `completed` (stop or tool calls), `incomplete` with
 * `incomplete_details.reason:"max_output_tokens"` when the budget ran out, also inside the reasoning (rule 34),
 * or `failed` with `error {code, message}`. `output_text` is left to the SDK, which computes it.
 * An `error` part (the backend failed) is thrown as a GatewayError before anything is written (upstreamError:
 * 502 `upstream_error`, or 503 when a retry may work, unless it already is one).
 */
import type { FinishPart, Part, Usage } from "@overtone/harmony";
import { type ReplyMeta, upstreamError } from "./protocol.js";
import type { ResponsesItem } from "./responses-input.js";
import type { ResponsesTool } from "./responses-options.js";
import { type Json, OutputAssembler, type OutputItem } from "./responses-output.js";
import { conversationItems, type ParsedResponsesRequest } from "./responses-request.js";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** How a turn ended, as the response object says it. */
export interface ResponseOutcome {
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  usage: Json | null;
}

export const IN_PROGRESS: ResponseOutcome = {
  status: "in_progress",
  error: null,
  incomplete_details: null,
  usage: null,
};

export function outcomeOf(finish: FinishPart): ResponseOutcome {
  const usage = usageOf(finish.usage);
  switch (finish.reason) {
    case "length":
      return {
        status: "incomplete",
        error: null,
        incomplete_details: { reason: "max_output_tokens" },
        usage,
      };
    case "error":
      return failed(finish.notice ?? "the backend reported a failed generation", usage);
    case "aborted":
      return failed("the generation was aborted before it finished", usage);
    default:
      return { status: "completed", error: null, incomplete_details: null, usage };
  }
}

export function failed(message: string, usage: Json | null = null): ResponseOutcome {
  return { status: "failed", error: { code: "server_error", message }, incomplete_details: null, usage };
}

function usageOf(usage: Usage | undefined): Json | null {
  if (usage === undefined) return null;
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

function toolJson(tool: ResponsesTool): Json {
  return {
    type: "function",
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? null,
  };
}

/** The response object with `output` and how it ended. */
export function responseObject(
  meta: ReplyMeta,
  parsed: ParsedResponsesRequest,
  output: readonly OutputItem[],
  outcome: ResponseOutcome,
): Json {
  return {
    id: meta.id,
    object: "response",
    created_at: meta.created,
    status: outcome.status,
    model: meta.model,
    output: [...output],
    error: outcome.error,
    incomplete_details: outcome.incomplete_details,
    instructions: parsed.instructions ?? null,
    max_output_tokens: parsed.maxOutputTokens ?? null,
    previous_response_id: parsed.previousResponseId ?? null,
    reasoning: { effort: parsed.reasoningEffort ?? null, summary: null },
    store: parsed.store,
    text: { format: parsed.textFormat },
    tools: parsed.tools.map(toolJson),
    tool_choice: parsed.toolChoice,
    parallel_tool_calls: parsed.parallelToolCalls,
    temperature: parsed.temperature ?? null,
    top_p: parsed.topP ?? null,
    truncation: "disabled",
    metadata: parsed.metadata,
    usage: outcome.usage,
  };
}

/**
 * What the store keeps of a finished response for `previous_response_id`: the history it continued, its
 * input and its output items.
 */
export function storedItems(
  parsed: ParsedResponsesRequest,
  output: readonly ResponsesItem[],
): ResponsesItem[] {
  return [...conversationItems(parsed), ...output];
}

/**
 * The whole reply: the response object, and the items to store under its id (`storedItems`; the server puts
 * them when `parsed.store`). Throws a GatewayError when the backend failed (an `error` part, or a stream without
 * a finish).
 */
export async function responsesBody(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  parsed: ParsedResponsesRequest,
): Promise<{ response: Json; items: ResponsesItem[] }> {
  const output = new OutputAssembler();
  let finish: FinishPart | undefined;
  try {
    for await (const part of parts) {
      if (part.type === "error") throw upstreamError(part.error);
      if (part.type === "finish") finish = part;
      else output.push(part);
    }
  } catch (error) {
    throw upstreamError(error);
  }
  if (finish === undefined)
    throw upstreamError(new Error("the backend's stream ended without finishing the reply"));
  return {
    response: responseObject(meta, parsed, output.items, outcomeOf(finish)),
    items: storedItems(parsed, output.stored),
  };
}
