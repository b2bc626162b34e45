/**
 * OpenAI Chat Completions `messages` as a Harmony history, the reverse of backends/openai-compatible/
 * chat-request.ts, in the representation every backend reads:
 *
 * - `system` and `developer` messages, wherever they stand, become the instructions of the ONE Harmony developer
 *   message (gpt-oss keeps one; gateway.md §1.1, rule 18), in order; never the Harmony system message.
 * - `user` → a user message. Content is a string, null, or text parts (`{type:"text",text}`, joined with "\n"
 *   as vLLM joins them); any other part (images, audio, files) is a 400: gpt-oss reads text only.
 * - `assistant` → its reasoning (`reasoning`, `reasoning_content` or `thinking`: clients send CoT back under all
 *   three names, §1.4) as an `analysis` message first; then, with `tool_calls`, its content as a commentary
 *   preamble and each call as a commentary message to `functions.NAME` (content type `<|constrain|>json`,
 *   arguments as text); without calls, its content as the `final` answer.
 * - `tool` → the result from `functions.NAME`, NAME being the function of the earlier call with that
 *   `tool_call_id` (Harmony names the tool, not the call); an id no earlier call had is a 400.
 *
 * Reasoning stays only where gpt-oss expects it: in the turn still in progress — after the last user message
 * and the last final answer, i.e. the reasoning that led to a pending tool call (rule 17, §6 item 3). Reasoning
 * of finished turns is dropped, as OpenAI's guidance for gpt-oss says. This drops at least what Harmony's
 * `dropAnalysisBefore` drops (upstream's rule: only before the first final, only when the last assistant
 * message is final), which the backends and the renderer apply again without effect; clients such as the AI SDK
 * send `reasoning_content` back on every assistant message, and upstream's rule would keep all but the first
 * turn's.
 */
import { type Message, message, toolResult } from "@overtone/harmony";
import { REASONING_FIELDS, TOOL_CALL_CONTENT_TYPE, toolRecipient } from "../backends/gpt-oss-profile.js";
import { asObject, badRequest } from "./protocol.js";

/** The history of a Chat Completions request in Harmony terms. */
export interface ChatHistory {
  /** The text of each system and developer message, in order (the developer message's instructions). */
  instructions: string[];
  /** The user, assistant and tool messages. */
  messages: Message[];
}

const ROLES = ["system", "developer", "user", "assistant", "tool"];

export function chatHistory(value: unknown): ChatHistory {
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest("messages must be a non-empty array of messages", "messages");
  }
  const instructions: string[] = [];
  const messages: Message[] = [];
  /** tool_call_id → the recipient of that call (`functions.get_weather`). */
  const calls = new Map<string, string>();
  value.forEach((entry: unknown, index) => {
    const where = `messages[${index}]`;
    const fields = asObject(entry);
    if (fields === undefined) throw badRequest(`${where} must be an object with a role`, where);
    const role = fields.role;
    if (role === "system" || role === "developer") {
      const text = contentText(fields.content, `${where}.content`);
      if (text !== "") instructions.push(text);
    } else if (role === "user") {
      messages.push(message("user", contentText(fields.content, `${where}.content`)));
    } else if (role === "assistant") {
      messages.push(...assistantMessages(fields, where, calls));
    } else if (role === "tool") {
      messages.push(toolMessage(fields, where, calls));
    } else {
      const found = typeof role === "string" ? `"${role.slice(0, 40)}" is not a valid role` : "is missing";
      throw badRequest(`${where}.role ${found}; use one of: ${ROLES.join(", ")}`, `${where}.role`);
    }
  });
  return { instructions, messages: withoutFinishedReasoning(messages) };
}

/** A message's content as text: a string, null/absent (empty), or an array of text parts. */
function contentText(value: unknown, where: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) {
    throw badRequest(`${where} must be a string, an array of text parts or null`, where);
  }
  return value
    .map((entry: unknown, index) => {
      const part = asObject(entry);
      const at = `${where}[${index}]`;
      if (part === undefined) throw badRequest(`${at} must be a content part object`, at);
      if (part.type !== "text") {
        const type = typeof part.type === "string" ? `"${part.type.slice(0, 40)}"` : "without a type";
        throw badRequest(
          `${at}: content part ${type} is not supported; only text parts ({"type":"text","text":"…"}) are`,
          `${at}.type`,
        );
      }
      if (typeof part.text !== "string") throw badRequest(`${at}.text must be a string`, `${at}.text`);
      return part.text;
    })
    .join("\n");
}

function assistantMessages(
  fields: Record<string, unknown>,
  where: string,
  calls: Map<string, string>,
): Message[] {
  const out: Message[] = [];
  const reasoning = reasoningText(fields, where);
  if (reasoning !== "") out.push(message("assistant", reasoning, { channel: "analysis" }));
  const text = contentText(fields.content, `${where}.content`);
  const toolCalls = fields.tool_calls;
  if (toolCalls === undefined || toolCalls === null || (Array.isArray(toolCalls) && toolCalls.length === 0)) {
    if (text !== "") out.push(message("assistant", text, { channel: "final" }));
    return out;
  }
  if (!Array.isArray(toolCalls)) {
    throw badRequest(`${where}.tool_calls must be an array of tool calls`, `${where}.tool_calls`);
  }
  if (text !== "") out.push(message("assistant", text, { channel: "commentary" }));
  toolCalls.forEach((entry: unknown, index) => {
    const at = `${where}.tool_calls[${index}]`;
    const call = asObject(entry);
    const fn = asObject(call?.function);
    if (call === undefined || fn === undefined) {
      throw badRequest(`${at} must be {"id","type":"function","function":{"name","arguments"}}`, at);
    }
    if (typeof call.id !== "string" || call.id === "") {
      throw badRequest(`${at}.id must be a non-empty string (tool messages answer it by id)`, `${at}.id`);
    }
    if (typeof fn.name !== "string" || fn.name === "") {
      throw badRequest(`${at}.function.name must be a non-empty string`, `${at}.function.name`);
    }
    const recipient = toolRecipient(fn.name);
    calls.set(call.id, recipient);
    out.push(
      message("assistant", argumentsText(fn.arguments, `${at}.function.arguments`), {
        channel: "commentary",
        recipient,
        content_type: TOOL_CALL_CONTENT_TYPE,
      }),
    );
  });
  return out;
}

/** The reasoning an assistant message carries back, under whichever name the client used (§1.4). */
function reasoningText(fields: Record<string, unknown>, where: string): string {
  for (const field of REASONING_FIELDS) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string")
      throw badRequest(`${where}.${field} must be a string`, `${where}.${field}`);
    // A client that mirrors one text into two fields must not get it twice: the first non-empty one wins.
    if (value !== "") return value;
  }
  return "";
}

/** Arguments are a JSON string; an object (some clients send one) is accepted as its JSON text. */
function argumentsText(value: unknown, where: string): string {
  if (value === undefined || value === null) return "{}";
  if (typeof value === "string") return value;
  if (asObject(value) !== undefined) return JSON.stringify(value);
  throw badRequest(`${where} must be a string of JSON`, where);
}

function toolMessage(fields: Record<string, unknown>, where: string, calls: Map<string, string>): Message {
  const id = fields.tool_call_id;
  if (typeof id !== "string" || id === "") {
    throw badRequest(
      `${where}.tool_call_id must be the id of the tool call it answers`,
      `${where}.tool_call_id`,
    );
  }
  const recipient = calls.get(id);
  if (recipient === undefined) {
    throw badRequest(
      `${where}.tool_call_id "${id.slice(0, 64)}" matches no tool call of an earlier assistant message`,
      `${where}.tool_call_id`,
    );
  }
  return toolResult(recipient, contentText(fields.content, `${where}.content`));
}

/** The messages without analysis of finished turns: only the current turn's reasoning stays (see above). */
function withoutFinishedReasoning(messages: Message[]): Message[] {
  let turnStart = 0;
  messages.forEach((m, index) => {
    if (m.author.role === "user" || (m.author.role === "assistant" && m.channel === "final")) {
      turnStart = index + 1;
    }
  });
  return messages.filter((m, index) => index >= turnStart || m.channel !== "analysis");
}
