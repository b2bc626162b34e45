/**
 * Responses API input items (gateway.md §2.1): the request's `input` list checked and reduced to the few kinds
 * gpt-oss can use, and a list of them (a stored history plus the new input) turned into Harmony messages.
 *
 * Items are kept in one normalized form, `ResponsesItem`, because three sources meet here: the client's input,
 * the output items of our own replies (which clients send back as the next input, rule 35), and the response
 * store (`previous_response_id`, rule 36). How each becomes Harmony, as vLLM and our backends do it:
 * - `function_call` → an assistant message on `commentary` to `functions.NAME`, content type `<|constrain|>json`;
 * - `function_call_output` → a tool message from `functions.NAME`, NAME found through its `call_id`;
 * - `reasoning` → an assistant `analysis` message (only in the turn in progress: see `toHarmony`);
 * - an assistant message → `final`, or `commentary` when it is a preamble (`phase:"commentary"`, as we send it);
 * - `system`/`developer` messages → text for the ONE developer message (gpt-oss keeps only one).
 */
import { type Message, message, toolResult } from "@overtone/harmony";
import { TOOL_CALL_CONTENT_TYPE, toolRecipient } from "../backends/gpt-oss-profile.js";
import { asObject, badRequest } from "./protocol.js";

export type ResponsesRole = "user" | "assistant" | "system" | "developer";

export type ResponsesItem =
  | { type: "message"; role: ResponsesRole; text: string; phase?: "commentary" }
  | { type: "reasoning"; text: string }
  | { type: "function_call"; callId: string; name: string; arguments: string }
  | { type: "function_call_output"; callId: string; output: string };

const ROLES: readonly string[] = ["user", "assistant", "system", "developer"];

/** `input` as the request sent it: a string is one user message. */
export function parseInput(input: unknown): ResponsesItem[] {
  if (typeof input === "string") return [{ type: "message", role: "user", text: input }];
  if (!Array.isArray(input)) {
    throw badRequest("input: expected a string or a list of input items", "input");
  }
  if (input.length === 0) throw badRequest("input: expected at least one item", "input");
  return input.map((item, i) => parseItem(item, `input[${i}]`));
}

function parseItem(value: unknown, where: string): ResponsesItem {
  const item = asObject(value);
  if (item === undefined) throw badRequest(`${where}: expected an object`, where);
  switch (item.type) {
    case undefined:
    case "message":
      return parseMessage(item, where);
    case "function_call":
      return {
        type: "function_call",
        callId: requiredString(item, "call_id", where),
        name: requiredString(item, "name", where),
        arguments: stringField(item, "arguments", where),
      };
    case "function_call_output":
      return {
        type: "function_call_output",
        callId: requiredString(item, "call_id", where),
        output: textOf(item.output, ["input_text", "output_text"], `${where}.output`),
      };
    case "reasoning": {
      // The raw chain of thought when the client kept it, else its summary; `encrypted_content` cannot be read.
      const content = textOf(item.content ?? [], ["reasoning_text"], `${where}.content`);
      const text =
        content !== "" ? content : textOf(item.summary ?? [], ["summary_text"], `${where}.summary`);
      return { type: "reasoning", text };
    }
    case "item_reference":
      throw badRequest(
        `${where}: item_reference items are not supported by this gateway; send the item itself`,
        `${where}.type`,
      );
    default:
      throw badRequest(
        `${where}.type: ${JSON.stringify(item.type)} items are not supported; expected message, function_call, function_call_output or reasoning`,
        `${where}.type`,
      );
  }
}

function parseMessage(item: Record<string, unknown>, where: string): ResponsesItem {
  const role = item.role;
  if (typeof role !== "string" || !ROLES.includes(role)) {
    throw badRequest(`${where}.role: expected one of ${ROLES.join(", ")}`, `${where}.role`);
  }
  const text = textOf(item.content, ["input_text", "output_text"], `${where}.content`);
  const preamble = role === "assistant" && item.phase === "commentary";
  return { type: "message", role: role as ResponsesRole, text, ...(preamble ? { phase: "commentary" } : {}) };
}

/** A string, or a list of text parts of the given types (joined with newlines: they are separate blocks). */
function textOf(value: unknown, partTypes: readonly string[], where: string): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) {
    throw badRequest(`${where}: expected a string or a list of ${partTypes.join("/")} parts`, where);
  }
  return value
    .map((part, i) => {
      const obj = asObject(part);
      const at = `${where}[${i}]`;
      if (obj === undefined) throw badRequest(`${at}: expected an object`, at);
      if (typeof obj.type !== "string" || !partTypes.includes(obj.type)) {
        throw badRequest(
          `${at}.type: ${JSON.stringify(obj.type)} parts are not supported here (gpt-oss reads text only); expected ${partTypes.join(" or ")}`,
          `${at}.type`,
        );
      }
      if (typeof obj.text !== "string") throw badRequest(`${at}.text: expected a string`, `${at}.text`);
      return obj.text;
    })
    .join("\n");
}

function stringField(item: Record<string, unknown>, key: string, where: string): string {
  const value = item[key];
  if (typeof value !== "string") throw badRequest(`${where}.${key}: expected a string`, `${where}.${key}`);
  return value;
}

function requiredString(item: Record<string, unknown>, key: string, where: string): string {
  const value = stringField(item, key, where);
  if (value === "") throw badRequest(`${where}.${key}: expected a non-empty string`, `${where}.${key}`);
  return value;
}

export interface HarmonyInput {
  /** Texts of the system and developer messages, in order, for the one developer message. */
  instructions: string[];
  messages: Message[];
}

/**
 * Items (stored history first, then the new input) as Harmony messages. Reasoning is kept only after the last
 * user message: that is the turn in progress, whose tool loop needs its chain of thought; earlier turns' reasoning
 * is dropped, as gpt-oss was trained (and as Harmony's renderer drops a finished turn's analysis). A
 * `function_call_output` whose `call_id` no earlier `function_call` has is a 400: its tool cannot be named.
 * `where(i)` names item i for errors (`input[2]`; a stored item has no place in the request).
 */
export function toHarmony(items: readonly ResponsesItem[], where: (index: number) => string): HarmonyInput {
  const instructions: string[] = [];
  const messages: Message[] = [];
  const callNames = new Map<string, string>();
  const lastUser = items.findLastIndex((item) => item.type === "message" && item.role === "user");
  items.forEach((item, index) => {
    switch (item.type) {
      case "message":
        if (item.role === "system" || item.role === "developer") instructions.push(item.text);
        else if (item.role === "user") messages.push(message("user", item.text));
        else {
          const channel = item.phase === "commentary" ? "commentary" : "final";
          messages.push(message("assistant", item.text, { channel }));
        }
        break;
      case "reasoning":
        if (index > lastUser && item.text !== "")
          messages.push(message("assistant", item.text, { channel: "analysis" }));
        break;
      case "function_call":
        callNames.set(item.callId, item.name);
        messages.push(
          message("assistant", item.arguments, {
            channel: "commentary",
            recipient: toolRecipient(item.name),
            content_type: TOOL_CALL_CONTENT_TYPE,
          }),
        );
        break;
      case "function_call_output": {
        const name = callNames.get(item.callId);
        if (name === undefined) {
          const at = where(index);
          throw badRequest(
            `${at}.call_id: no function_call with call_id ${JSON.stringify(item.callId)} comes before this output; send the function_call item (or the previous_response_id of the response that made it) too`,
            `${at}.call_id`,
          );
        }
        messages.push(toolResult(toolRecipient(name), item.output));
        break;
      }
    }
  });
  return { instructions, messages };
}
