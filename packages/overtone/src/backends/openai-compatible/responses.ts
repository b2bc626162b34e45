/**
 * OpenAI's Responses API (`POST /v1/responses`), which vLLM recommends for gpt-oss and which is the one place
 * LM Studio honours the reasoning effort (`reasoning.effort`; lmstudio-bug-tracker#988). The conversation goes
 * out as input items (messages, `reasoning` items for analysis, `function_call` / `function_call_output` for
 * a tool round, reference/wire 022); the answer comes back as output items, streamed as named events
 * (`response.reasoning_text.delta`, `response.output_text.delta`, `response.output_item.added` for a
 * `function_call`, `response.function_call_arguments.delta`, then `response.completed` with usage; 021). A
 * response format goes out as `text.format`.
 */
import { AbortedError, BackendError } from "@overtone/errors";
import { dropAnalysisBefore, type FinishReason, type Message, type Part } from "@overtone/harmony";
import { toBackendError } from "../../net/http.js";
import type { UpstreamResponse } from "../../net/http-stream.js";
import type { GenerateRequest, ResponseFormat } from "../contract.js";
import { functionTools, type GptOssFlavor, requestedEffort, toolName } from "../gpt-oss-profile.js";
import { bodyOf } from "./abortable.js";
import { type PartsContext, usageOf } from "./chat-parts.js";
import { isErrorEvent, streamError } from "./server-errors.js";
import { sseEventBatches } from "./sse.js";
import { drain, WirePartsBuilder } from "./wire-parts.js";

type Json = Record<string, unknown>;

function textOf(message: Message): string {
  return message.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}

/** A response format as the Responses API's `text.format` (flat: name and schema beside the type). */
function textFormat(format: ResponseFormat): Json {
  if (format.type === "json_object") return { type: "json_object" };
  return {
    type: "json_schema",
    name: format.name ?? "response",
    schema: format.schema,
    ...(format.strict !== undefined ? { strict: format.strict } : {}),
  };
}

export function responsesBody(
  request: GenerateRequest,
  options: { flavor: GptOssFlavor; model: string | undefined; stream: boolean },
): Json {
  const input: Json[] = [];
  const instructions: string[] = [];
  const openCalls = new Map<string, string[]>();
  let calls = 0;
  // As in chat-request.ts: earlier turns' analysis stays out where Harmony's renderer drops it.
  const dropBefore = dropAnalysisBefore(request.conversation.messages);
  for (const [index, message] of request.conversation.messages.entries()) {
    const role = message.author.role;
    if (message.channel === "analysis" && index < dropBefore) continue;
    if (role === "system") continue;
    if (role === "developer") {
      for (const c of message.content)
        if (c.type === "developer_content" && c.instructions) instructions.push(c.instructions);
    } else if (role === "user") {
      input.push({ type: "message", role: "user", content: textOf(message) });
    } else if (role === "tool") {
      const name = message.author.name ?? "";
      const id = openCalls.get(name)?.shift() ?? `call_${calls++}`;
      input.push({ type: "function_call_output", call_id: id, output: textOf(message) });
    } else if (message.recipient !== undefined && message.recipient !== "all") {
      const id = `call_${calls++}`;
      openCalls.set(message.recipient, [...(openCalls.get(message.recipient) ?? []), id]);
      input.push({
        type: "function_call",
        call_id: id,
        name: toolName(message.recipient),
        arguments: textOf(message),
      });
    } else if (message.channel === "analysis") {
      input.push({
        type: "reasoning",
        summary: [],
        content: [{ type: "reasoning_text", text: textOf(message) }],
      });
    } else {
      input.push({
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: textOf(message) }],
      });
    }
  }
  const tools = functionTools(request);
  const effort = requestedEffort(request);
  return {
    ...(options.model !== undefined ? { model: options.model } : {}),
    input,
    ...(instructions.length > 0 ? { instructions: instructions.join("\n") } : {}),
    ...(tools.length > 0
      ? {
          tools: tools.map((t) => ({
            type: "function",
            name: t.name,
            description: t.description,
            parameters: t.parameters ?? { type: "object", properties: {} },
          })),
        }
      : {}),
    ...(effort !== undefined ? { reasoning: { effort } } : {}),
    ...(request.responseFormat !== undefined ? { text: { format: textFormat(request.responseFormat) } } : {}),
    temperature: request.temperature ?? 1,
    top_p: request.topP ?? 1,
    ...(request.maxTokens !== undefined ? { max_output_tokens: request.maxTokens } : {}),
    stream: options.stream,
    store: false,
  };
}

/** One output item of a whole response (or of `response.output_item.done`). */
function applyItem(item: Json, index: number, builder: WirePartsBuilder): boolean {
  if (item.type === "reasoning") {
    for (const c of (item.content ?? []) as Json[]) if (typeof c.text === "string") builder.reasoning(c.text);
  } else if (item.type === "message") {
    for (const c of (item.content ?? []) as Json[]) if (typeof c.text === "string") builder.content(c.text);
  } else if (item.type === "function_call") {
    builder.toolCall(index, String(item.name), String(item.arguments ?? ""));
    return true;
  }
  return false;
}

function reasonOf(response: Json, sawCall: boolean): FinishReason {
  if (response.status === "incomplete") return "length";
  if (response.status === "failed") return "error";
  return sawCall ? "tool-calls" : "stop";
}

export function responsesJsonParts(answer: Json, context: PartsContext): Part[] {
  const queue: Part[] = [];
  const builder = new WirePartsBuilder((part) => queue.push(part));
  if (isErrorEvent(answer)) {
    builder.fail(streamError(answer, context.url, JSON.stringify(answer)));
    return queue;
  }
  let sawCall = false;
  ((answer.output ?? []) as Json[]).forEach((item, i) => {
    sawCall = applyItem(item, i, builder) || sawCall;
  });
  const usage = answer.usage as Json | undefined;
  builder.finish({
    reason: reasonOf(answer, sawCall),
    ...(usage ? { usage: usageOf(usage) } : {}),
    timings: { totalMs: performance.now() - context.startedAt },
  });
  return queue;
}

export async function* responsesStreamParts(
  response: UpstreamResponse,
  context: PartsContext,
): AsyncGenerator<Part> {
  const queue: Part[] = [];
  const builder = new WirePartsBuilder((part) => queue.push(part));
  let firstTokenMs: number | undefined;
  const timings = () => ({
    ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
    totalMs: performance.now() - context.startedAt,
  });
  let sawCall = false;
  let completed: Json | undefined;
  try {
    reading: for await (const events of sseEventBatches(bodyOf(response), context.signal)) {
      for (const event of events) {
        if (event.data === "[DONE]") break reading;
        const data = JSON.parse(event.data) as Json;
        const type = String(data.type ?? event.event ?? "");
        if (type === "error" || isErrorEvent(data)) throw streamError(data, context.url, event.data);
        firstTokenMs ??= performance.now() - context.startedAt;
        const index = typeof data.output_index === "number" ? data.output_index : 0;
        if (type === "response.reasoning_text.delta") builder.reasoning(String(data.delta ?? ""));
        else if (type === "response.output_text.delta") builder.content(String(data.delta ?? ""));
        else if (
          type === "response.output_item.added" &&
          (data.item as Json | undefined)?.type === "function_call"
        ) {
          sawCall = applyItem(data.item as Json, index, builder) || sawCall;
        } else if (type === "response.function_call_arguments.delta")
          builder.toolCall(index, undefined, String(data.delta ?? ""));
        else if (
          type === "response.completed" ||
          type === "response.incomplete" ||
          type === "response.failed"
        ) {
          completed = (data.response ?? {}) as Json;
        }
        for (const part of drain(queue)) yield part;
        if (completed !== undefined) break reading;
      }
    }
    if (completed === undefined) {
      throw new BackendError(`${context.url}: the stream ended before response.completed`, {
        url: context.url,
        retryable: true,
        hint: "the server may have crashed or dropped the connection; retry",
      });
    }
    const usage = completed.usage as Json | undefined;
    builder.finish({
      reason: reasonOf(completed, sawCall),
      ...(usage ? { usage: usageOf(usage) } : {}),
      timings: timings(),
    });
  } catch (error) {
    if (error instanceof AbortedError || context.signal?.aborted) builder.abort({ timings: timings() });
    else
      builder.fail(
        error instanceof BackendError ? error : toBackendError(error, context.url, "reading the stream"),
      );
  }
  for (const part of drain(queue)) yield part;
}
