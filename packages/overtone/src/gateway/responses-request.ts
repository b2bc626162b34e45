/**
 * An OpenAI Responses request (`POST /v1/responses`, gateway.md §2.1) checked field by field and turned into a
 * backend `GenerateRequest`. Every wrong field is a 400 that names it (`param`); fields we do not know are
 * ignored (rule 20). What a request cannot have from gpt-oss is refused rather than dropped: hosted tools
 * (`web_search_preview`, `mcp`, …) and `item_reference` inputs.
 *
 * Harmony: the system message carries the date (the effort goes in `GenerateRequest.effort`); `instructions`
 * first, then the system/developer input messages in order, form ONE developer message with the function tools.
 * `tool_choice`, `parallel_tool_calls` and `text.format` are checked and echoed in the response; gpt-oss takes
 * no such constraint, except `tool_choice:"none"`, which leaves the tools out of the prompt.
 * `responsesToGenerateRequest` also notes the history it was given, so that the reply can hand the store the
 * whole conversation (`conversationItems`) without the server passing the history twice.
 */
import {
  conversation,
  developerContent,
  developerMessage,
  type Message,
  systemContent,
  systemMessage,
  type ToolDescription,
  withFunctionTools,
} from "@overtone/harmony";
import type { Effort, GenerateRequest } from "../backends/contract.js";
import { asObject, badRequest, type ServedModel } from "./protocol.js";
import { previousResponseNotFound } from "./response-store.js";
import { parseInput, type ResponsesItem, toHarmony } from "./responses-input.js";
import {
  inRange,
  optional,
  optionalBoolean,
  optionalObject,
  optionalString,
  parseTextFormat,
  parseToolChoice,
  parseTools,
  type ResponsesTool,
  type TextFormat,
  type ToolChoice,
} from "./responses-options.js";

export interface ParsedResponsesRequest {
  model: string;
  input: ResponsesItem[];
  instructions?: string;
  tools: ResponsesTool[];
  toolChoice: ToolChoice;
  parallelToolCalls: boolean;
  /** `reasoning.effort` as sent (echoed back); `effort` is what it maps to. */
  reasoningEffort?: string;
  effort?: Effort;
  textFormat: TextFormat;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  previousResponseId?: string;
  store: boolean;
  stream: boolean;
  metadata: Record<string, unknown>;
}

/** OpenAI's effort words onto Harmony's three levels (rule 19). */
const EFFORTS: Record<string, Effort> = {
  none: "low",
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
  max: "high",
};

export function parseResponsesRequest(body: unknown): ParsedResponsesRequest {
  const req = asObject(body);
  if (req === undefined) throw badRequest("the request body must be a JSON object");
  if (typeof req.model !== "string" || req.model === "") {
    throw badRequest("model: expected the name of a model (a non-empty string)", "model");
  }
  if (req.input === undefined || req.input === null) {
    throw badRequest("input: required; a string or a list of input items", "input");
  }
  const tools = parseTools(req.tools);
  const reasoning = optionalObject(req.reasoning, "reasoning");
  const effort = reasoning?.effort ?? undefined;
  if (effort !== undefined && (typeof effort !== "string" || !Object.hasOwn(EFFORTS, effort))) {
    throw badRequest(
      `reasoning.effort: expected one of ${Object.keys(EFFORTS).join(", ")}`,
      "reasoning.effort",
    );
  }
  const parsed: ParsedResponsesRequest = {
    model: req.model,
    input: parseInput(req.input),
    instructions: optionalString(req.instructions, "instructions"),
    tools,
    toolChoice: parseToolChoice(req.tool_choice, tools),
    parallelToolCalls: optionalBoolean(req.parallel_tool_calls, "parallel_tool_calls") ?? true,
    reasoningEffort: effort,
    effort: effort === undefined ? undefined : EFFORTS[effort],
    textFormat: parseTextFormat(req.text),
    maxOutputTokens: optional<number>(
      req.max_output_tokens,
      "max_output_tokens",
      "a positive integer",
      (v) => Number.isSafeInteger(v) && (v as number) > 0,
    ),
    temperature: optional<number>(req.temperature, "temperature", "a number from 0 to 2", (v) =>
      inRange(v, 0, 2),
    ),
    topP: optional<number>(req.top_p, "top_p", "a number from 0 to 1", (v) => inRange(v, 0, 1)),
    previousResponseId: optional<string>(
      req.previous_response_id,
      "previous_response_id",
      "a response id (a non-empty string)",
      (v) => typeof v === "string" && v !== "",
    ),
    store: optionalBoolean(req.store, "store") ?? true,
    stream: optionalBoolean(req.stream, "stream") ?? false,
    metadata: optionalObject(req.metadata, "metadata") ?? {},
  };
  return parsed;
}

/** What each request continues and adds, once its history is known (see `conversationItems`). */
const conversations = new WeakMap<ParsedResponsesRequest, readonly ResponsesItem[]>();

/**
 * The items a response saw: the history it continued, then its input. Its reply stores these plus its output
 * items, so that a chain of `previous_response_id`s keeps every turn. Recorded by `responsesToGenerateRequest`
 * (which is given the history); before that, the input alone.
 */
export function conversationItems(parsed: ParsedResponsesRequest): readonly ResponsesItem[] {
  return conversations.get(parsed) ?? parsed.input;
}

/**
 * The backend request: `history` is the stored items of `previous_response_id` (`ResponseStore.require`), which
 * the new input continues. A `previous_response_id` without its history is never ignored (rule 36).
 */
export function responsesToGenerateRequest(
  parsed: ParsedResponsesRequest,
  model: ServedModel,
  history: readonly ResponsesItem[] | undefined,
  signal?: AbortSignal,
): GenerateRequest {
  if (parsed.previousResponseId !== undefined && history === undefined) {
    throw previousResponseNotFound(parsed.previousResponseId);
  }
  const before = history?.length ?? 0;
  const items = [...(history ?? []), ...parsed.input];
  conversations.set(parsed, items);
  const harmony = toHarmony(items, (i) => (i < before ? "previous_response_id" : `input[${i - before}]`));
  const instructions = [
    ...(parsed.instructions !== undefined ? [parsed.instructions] : []),
    ...harmony.instructions,
  ]
    .filter((text) => text !== "")
    .join("\n\n");
  const tools = parsed.toolChoice === "none" ? [] : parsed.tools.map(toolDescription);
  const today = new Date().toISOString().slice(0, 10);
  const messages: Message[] = [systemMessage(systemContent({ conversation_start_date: today }))];
  if (instructions !== "" || tools.length > 0) {
    let content = developerContent(instructions !== "" ? { instructions } : {});
    if (tools.length > 0) content = withFunctionTools(content, tools);
    messages.push(developerMessage(content));
  }
  messages.push(...harmony.messages);
  const effort = parsed.effort ?? model.defaults.effort;
  const maxTokens = parsed.maxOutputTokens ?? model.defaults.maxTokens;
  const temperature = parsed.temperature ?? model.defaults.temperature;
  const topP = parsed.topP ?? model.defaults.topP;
  return {
    conversation: conversation(messages),
    ...(model.upstreamModel !== undefined ? { model: model.upstreamModel } : {}),
    ...(effort !== undefined ? { effort } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(signal !== undefined ? { signal } : {}),
  };
}

function toolDescription(tool: ResponsesTool): ToolDescription {
  return {
    name: tool.name,
    description: tool.description,
    ...(tool.parameters !== undefined ? { parameters: tool.parameters } : {}),
  };
}
