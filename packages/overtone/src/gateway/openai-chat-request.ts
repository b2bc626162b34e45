/**
 * An OpenAI Chat Completions request (gateway.md §1.1) checked and turned into a backend `GenerateRequest`.
 *
 * Every field the gateway uses is checked, and a wrong one is a 400 naming it (`param`); fields it does not use
 * (`top_k`, `chat_template_kwargs`, `think`, `user`, `logprobs`, …) are ignored, never refused (rule 20). `null`
 * counts as absent, as clients send it for "not set". The conversation is built the way every gpt-oss chat
 * template builds it: a system message (today's date, the reasoning effort), one developer message with all
 * system/developer instructions and the offered function tools, then the history (openai-chat-messages.ts).
 *
 * `tool_choice`: `none` offers no tools; `auto` offers them all; `required`, a named function and
 * `allowed_tools` offer only the tools allowed and, when a call is required, add one instruction line saying so
 * (gpt-oss has no forced-call mode on any backend; the instruction is what a developer would write). `stop` is
 * checked and kept for the server (stop-sequences.ts applies it); `response_format` goes to the backend as
 * `responseFormat` (structured-output.ts, which also checks the answer).
 */
import { conversation, type Message, type ToolDescription } from "@overtone/harmony";
import type { Effort, GenerateRequest } from "../backends/contract.js";
import { withEffort } from "../backends/gpt-oss-profile.js";
import { conversationHead, effortOf, functionTool, generateSettings } from "./generate-request.js";
import {
  type ChatResponseFormat,
  type ChatToolChoice,
  chatResponseFormat,
  chatToolChoice,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  stopStrings,
} from "./openai-chat-fields.js";
import { chatHistory } from "./openai-chat-messages.js";
import { asObject, badRequest, type ServedModel } from "./protocol.js";
import { responseFormatOf } from "./structured-output.js";

export type { ChatResponseFormat, ChatToolChoice } from "./openai-chat-fields.js";

export interface ParsedChatRequest {
  /** The model name as the client sent it (the server looks it up). */
  model: string;
  /** The system and developer messages' texts, in order: the developer message's instructions. */
  instructions: string[];
  /** The history in Harmony: user, assistant (analysis, preambles, calls, answers) and tool messages. */
  messages: Message[];
  /** The function tools the request declares (whatever `tool_choice` says). */
  tools: ToolDescription[];
  toolChoice: ChatToolChoice;
  parallelToolCalls?: boolean;
  effort?: Effort;
  /** `max_completion_tokens`, else `max_tokens` (rule 13). */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Stop strings for the answer text (at most 4, none empty). */
  stop: string[];
  stream: boolean;
  /** `stream_options.include_usage`: send the usage chunk before `[DONE]`. */
  includeUsage: boolean;
  responseFormat?: ChatResponseFormat;
}

export function parseChatRequest(body: unknown): ParsedChatRequest {
  const fields = asObject(body);
  if (fields === undefined) throw badRequest("the request body must be a JSON object");
  if (typeof fields.model !== "string" || fields.model === "") {
    throw badRequest("model must be the name of a model (a non-empty string)", "model");
  }
  const history = chatHistory(fields.messages);
  const tools = chatTools(fields.tools);
  const stream = optionalBoolean(fields.stream, "stream") ?? false;
  const streamOptions = fields.stream_options;
  let includeUsage = false;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) throw badRequest("stream_options can only be set when stream is true", "stream_options");
    const options = asObject(streamOptions);
    if (options === undefined) throw badRequest("stream_options must be an object", "stream_options");
    includeUsage = optionalBoolean(options.include_usage, "stream_options.include_usage") ?? false;
  }
  const n = optionalInteger(fields.n, "n");
  if (n !== undefined && n !== 1) throw badRequest(`n is ${n}, but only n=1 is supported`, "n");

  const maxTokens =
    optionalInteger(fields.max_completion_tokens, "max_completion_tokens", 1) ??
    optionalInteger(fields.max_tokens, "max_tokens", 1);
  const temperature = optionalNumber(fields.temperature, "temperature", 0, 2);
  const topP = optionalNumber(fields.top_p, "top_p", 0, 1);
  const seed = optionalInteger(fields.seed, "seed");
  const parallelToolCalls = optionalBoolean(fields.parallel_tool_calls, "parallel_tool_calls");
  const effort = requestEffort(fields);
  const responseFormat = chatResponseFormat(fields.response_format);
  return {
    model: fields.model,
    instructions: history.instructions,
    messages: history.messages,
    tools,
    toolChoice: chatToolChoice(fields.tool_choice, tools),
    ...(parallelToolCalls !== undefined ? { parallelToolCalls } : {}),
    ...(effort !== undefined ? { effort } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(seed !== undefined ? { seed } : {}),
    stop: stopStrings(fields.stop),
    stream,
    includeUsage,
    ...(responseFormat !== undefined ? { responseFormat } : {}),
  };
}

/** `reasoning_effort`, else Ollama /v1's `reasoning: {effort}` (rule 19). */
function requestEffort(fields: Record<string, unknown>): Effort | undefined {
  const direct = effortOf(fields.reasoning_effort, "reasoning_effort");
  if (direct !== undefined) return direct;
  const reasoning = fields.reasoning;
  if (reasoning === undefined || reasoning === null) return undefined;
  const object = asObject(reasoning);
  if (object === undefined)
    throw badRequest('reasoning must be an object such as {"effort":"low"}', "reasoning");
  return effortOf(object.effort, "reasoning.effort");
}

/** `tools`: function tools in the nested Chat shape; `[]` is the same as none. */
function chatTools(value: unknown): ToolDescription[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("tools must be an array of function tools", "tools");
  const names = new Set<string>();
  return value.map((entry: unknown, index) => {
    const where = `tools[${index}]`;
    const tool = asObject(entry);
    if (tool === undefined || tool.type !== "function") {
      throw badRequest(
        `${where}: only function tools ({"type":"function","function":{…}}) are supported`,
        `${where}.type`,
      );
    }
    const fn = asObject(tool.function);
    if (fn === undefined)
      throw badRequest(`${where}.function must be an object with a name`, `${where}.function`);
    const described = functionTool(fn, `${where}.function`);
    if (names.has(described.name))
      throw badRequest(`${where}: a second tool named ${described.name}`, `${where}.function.name`);
    names.add(described.name);
    return described;
  });
}

/**
 * The backend request: system message (today's date, the effort — the request's, else the model's default),
 * one developer message (instructions, the offered tools, the tool_choice line), the history; sampling and the
 * budget from the request, else the model's defaults.
 */
export function chatToGenerateRequest(
  parsed: ParsedChatRequest,
  model: ServedModel,
  signal?: AbortSignal,
): GenerateRequest {
  const settings = generateSettings(parsed, model, signal);
  const tools = offeredTools(parsed);
  const line = toolChoiceInstruction(parsed.toolChoice, tools);
  const instructions = line !== undefined ? [...parsed.instructions, line] : parsed.instructions;
  const messages = [...conversationHead(instructions, tools), ...parsed.messages];
  const responseFormat = responseFormatOf(parsed.responseFormat);
  return {
    conversation: withEffort(conversation(messages), settings.effort),
    ...settings,
    ...(responseFormat !== undefined ? { responseFormat } : {}),
  };
}

/** The tools the model is shown: none for `none`, the allowed ones when `tool_choice` names some. */
function offeredTools(parsed: ParsedChatRequest): ToolDescription[] {
  const choice = parsed.toolChoice;
  if (choice.mode === "none") return [];
  if (choice.only === undefined) return parsed.tools;
  const only = new Set(choice.only);
  return parsed.tools.filter((tool) => only.has(tool.name));
}

/** The developer instruction that asks for a call when `tool_choice` requires one. */
function toolChoiceInstruction(
  choice: ChatToolChoice,
  tools: readonly ToolDescription[],
): string | undefined {
  if (choice.mode !== "required" || tools.length === 0) return undefined;
  const [only] = tools;
  if (tools.length === 1 && only !== undefined) {
    return `Respond by calling the tool functions.${only.name}; do not answer without calling it.`;
  }
  return "Respond by calling one of the tools in the functions namespace; do not answer without a tool call.";
}
