/**
 * An OpenAI Responses request (`POST /v1/responses`, gateway.md §2.1) checked field by field and turned into a
 * backend `GenerateRequest`. Every wrong field is a 400 that names it (`param`); fields we do not know are
 * ignored (rule 20). What a request cannot have from gpt-oss is refused rather than dropped: hosted tools
 * (`web_search_preview`, `mcp`, …) and `item_reference` inputs.
 *
 * Harmony: the system message carries the date (the effort goes in `GenerateRequest.effort`); `instructions`
 * first, then the system/developer input messages in order, form ONE developer message with the function tools.
 * `tool_choice`, `parallel_tool_calls` and `text.format` are checked and echoed in the response; gpt-oss takes
 * no tool constraint, except `tool_choice:"none"`, which leaves the tools out of the prompt. `text.format` goes
 * to the backend as `responseFormat` (structured-output.ts, which also checks the answer).
 * `responsesToGenerateRequest` also notes the history it was given, so that the reply can hand the store the
 * whole conversation (`conversationItems`) without the server passing the history twice.
 */
import { conversation, type ToolDescription } from "@overtone/harmony";
import type { Effort, GenerateRequest } from "../backends/contract.js";
import { conversationHead, effortOf, generateSettings } from "./generate-request.js";
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
import { responseFormatOf } from "./structured-output.js";

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
  // As sent, for the echo: effortOf lets only an effort word (or nothing) through.
  const reasoningEffort = (reasoning?.effort ?? undefined) as string | undefined;
  const effort = effortOf(reasoningEffort, "reasoning.effort");
  const parsed: ParsedResponsesRequest = {
    model: req.model,
    input: parseInput(req.input),
    instructions: optionalString(req.instructions, "instructions"),
    tools,
    toolChoice: parseToolChoice(req.tool_choice, tools),
    parallelToolCalls: optionalBoolean(req.parallel_tool_calls, "parallel_tool_calls") ?? true,
    reasoningEffort,
    effort,
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
  ].filter((text) => text !== "");
  const tools = parsed.toolChoice === "none" ? [] : parsed.tools.map(toolDescription);
  const responseFormat = responseFormatOf(parsed.textFormat);
  return {
    conversation: conversation([...conversationHead(instructions, tools), ...harmony.messages]),
    ...generateSettings({ ...parsed, maxTokens: parsed.maxOutputTokens }, model, signal),
    ...(responseFormat !== undefined ? { responseFormat } : {}),
  };
}

function toolDescription(tool: ResponsesTool): ToolDescription {
  return {
    name: tool.name,
    description: tool.description,
    ...(tool.parameters !== undefined ? { parameters: tool.parameters } : {}),
  };
}
