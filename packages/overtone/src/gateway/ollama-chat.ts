/**
 * Ollama's `POST /api/chat` as Overtone serves it (gateway.md §4.1, rules 37–42), for ollama-js, Open WebUI and
 * LangChain ChatOllama: the request → a Harmony conversation (GenerateRequest).
 *
 * Messages map to Harmony the way Ollama's own gpt-oss template renders them (backends.md §1.6):
 *   - every `system` message (and `developer`, which some clients send) → the ONE developer message's
 *     instructions, in order, wherever they stand;
 *   - an assistant message → its `thinking` as an `analysis` message, its `content` as the `final` answer — or,
 *     when it also has `tool_calls`, as a commentary preamble — then one `commentary to=functions.NAME
 *     <|constrain|>json` message per call, arguments JSON.stringify'd (Harmony's renderer drops the analysis of
 *     earlier turns where the model expects it gone, so a tool loop's reasoning goes back and older CoT does not);
 *   - a `tool` message → the tool's result from `functions.<tool_name>`. ChatOllama sends neither `tool_name`
 *     nor `tool_call_id`, so without them the result answers the OLDEST call still unanswered: tool runners
 *     answer calls in the order the model made them;
 *   - `images` → 400: gpt-oss reads text only.
 * No messages at all is Ollama's "load the model" request (`loadOnly`): answer it with ollamaChatLoadReply.
 * The reply side is in ollama-chat-reply.ts.
 */
import { conversation, type Message, message, type ToolDescription, toolResult } from "@overtone/harmony";
import type { GenerateRequest } from "../backends/contract.js";
import { TOOL_CALL_CONTENT_TYPE, toolRecipient } from "../backends/gpt-oss-profile.js";
import { conversationHead, generateSettings } from "./generate-request.js";
import {
  type OllamaCommonFields,
  optionalText,
  parseCommonFields,
  parseTools,
  refuseImages,
  requestObject,
} from "./ollama-request.js";
import { asObject, badRequest, type ServedModel } from "./protocol.js";
import { ollamaResponseFormat } from "./structured-output.js";

export interface ParsedOllamaChat extends OllamaCommonFields {
  /** The `system` messages' texts, in order: the developer message's instructions. */
  instructions: string[];
  tools: ToolDescription[];
  /** The conversation after the system and developer messages, in Harmony. */
  history: Message[];
  /** No messages: nothing to generate; reply with ollamaChatLoadReply (`unload` for `keep_alive: 0`). */
  loadOnly?: "load" | "unload";
}

export function parseOllamaChatRequest(body: unknown): ParsedOllamaChat {
  const request = requestObject(body);
  const common = parseCommonFields(request);
  const tools = parseTools(request.tools);
  const { instructions, history, count } = parseMessages(request.messages);
  return {
    ...common,
    instructions,
    tools,
    history,
    ...(count === 0 ? { loadOnly: common.keepAliveZero ? ("unload" as const) : ("load" as const) } : {}),
  };
}

export function ollamaChatToGenerateRequest(
  parsed: ParsedOllamaChat,
  model: ServedModel,
  signal?: AbortSignal,
): GenerateRequest {
  const start = conversationHead(parsed.instructions, parsed.tools);
  return {
    conversation: conversation([...start, ...parsed.history]),
    ...generateSettings(parsed, model, signal),
    ...(parsed.format !== undefined ? { responseFormat: ollamaResponseFormat(parsed.format) } : {}),
  };
}

/** A call made in the history and not answered yet. */
interface OpenCall {
  name: string;
  id: string | undefined;
}

function parseMessages(value: unknown): { instructions: string[]; history: Message[]; count: number } {
  const instructions: string[] = [];
  const history: Message[] = [];
  if (value === undefined || value === null) return { instructions, history, count: 0 };
  if (!Array.isArray(value)) throw badRequest("messages must be an array of messages", "messages");
  const open: OpenCall[] = [];
  value.forEach((entry, i) => {
    const where = `messages[${i}]`;
    const m = asObject(entry);
    if (m === undefined) throw badRequest(`${where} must be an object`, where);
    const content = optionalText(m, "content", where) ?? "";
    refuseImages(m, where);
    switch (m.role) {
      case "system":
      case "developer":
        if (content !== "") instructions.push(content);
        break;
      case "user":
        history.push(message("user", content));
        break;
      case "assistant":
        history.push(...assistantMessages(m, content, where, open));
        break;
      case "tool":
        history.push(toolResult(toolRecipient(answeredCall(m, where, open)), content));
        break;
      default:
        throw badRequest(
          `${where}.role must be "system", "user", "assistant" or "tool", found ${JSON.stringify(m.role)}`,
          `${where}.role`,
        );
    }
  });
  return { instructions, history, count: value.length };
}

function assistantMessages(
  m: Record<string, unknown>,
  content: string,
  where: string,
  open: OpenCall[],
): Message[] {
  const out: Message[] = [];
  const thinking = optionalText(m, "thinking", where);
  if (thinking !== undefined && thinking !== "")
    out.push(message("assistant", thinking, { channel: "analysis" }));
  const calls = parseToolCalls(m.tool_calls, `${where}.tool_calls`);
  if (content !== "") {
    out.push(message("assistant", content, { channel: calls.length > 0 ? "commentary" : "final" }));
  }
  for (const call of calls) {
    out.push(
      message("assistant", JSON.stringify(call.arguments), {
        channel: "commentary",
        recipient: toolRecipient(call.name),
        content_type: TOOL_CALL_CONTENT_TYPE,
      }),
    );
    open.push({ name: call.name, id: call.id });
  }
  return out;
}

/** `tool_calls[{id?, function: {name, arguments: {…}}}]`; a JSON string of an object is taken as arguments too. */
function parseToolCalls(
  value: unknown,
  where: string,
): Array<{ name: string; id: string | undefined; arguments: Record<string, unknown> }> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${where} must be an array`, where);
  return value.map((entry, j) => {
    const at = `${where}[${j}]`;
    const fn = asObject(asObject(entry)?.function);
    if (fn === undefined) throw badRequest(`${at}.function must be an object`, `${at}.function`);
    if (typeof fn.name !== "string" || fn.name === "") {
      throw badRequest(`${at}.function.name must be a non-empty string`, `${at}.function.name`);
    }
    const id = asObject(entry)?.id;
    return {
      name: fn.name,
      id: typeof id === "string" ? id : undefined,
      arguments: argumentsOf(fn.arguments, at),
    };
  });
}

function argumentsOf(value: unknown, at: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = value.trim() === "" ? {} : JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  const object = asObject(parsed);
  if (object === undefined) {
    throw badRequest(`${at}.function.arguments must be a JSON object`, `${at}.function.arguments`);
  }
  return object;
}

/** The tool a result answers: `tool_name`, else the call `tool_call_id` names, else the oldest open call. */
function answeredCall(m: Record<string, unknown>, where: string, open: OpenCall[]): string {
  const name = optionalText(m, "tool_name", where) || undefined;
  const id = optionalText(m, "tool_call_id", where);
  let at = id === undefined ? -1 : open.findIndex((call) => call.id === id);
  if (at < 0)
    at = name === undefined ? (open.length > 0 ? 0 : -1) : open.findIndex((call) => call.name === name);
  const answered = at < 0 ? undefined : open.splice(at, 1)[0];
  const tool = name ?? answered?.name;
  if (tool === undefined) {
    throw badRequest(
      `${where}.tool_name is required: no earlier assistant tool call is waiting for this result`,
      `${where}.tool_name`,
    );
  }
  return tool;
}
