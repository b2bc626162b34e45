/**
 * Conversations and messages to and from JSON in openai/harmony's serde shape, so they move to and from Python's
 * `openai_harmony` unchanged: the author is flattened into `role`/`name`; a single text content is a plain
 * string; Message and Author skip absent fields while SystemContent, DeveloperContent, ToolNamespaceConfig and
 * ToolDescription write `null` (serde_with::skip_serializing_none is only on the first two). On input, a missing
 * field and `null` are both "absent": no library default is filled in, exactly as serde does.
 */
import { InputError } from "@overtone/errors";
import {
  type ChannelConfig,
  type Content,
  type Conversation,
  type DeveloperContent,
  type JsonValue,
  type Message,
  REASONING_EFFORTS,
  type ReasoningEffort,
  ROLES,
  type Role,
  type SystemContent,
  type ToolDescription,
  type ToolNamespaceConfig,
} from "./types.js";

type JsonObject = { [key: string]: JsonValue };

/** A tool name the tools section can render: a TypeScript identifier in ASCII (see checkToolDescription). */
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fail(where: string, what: string, hint?: string, cause?: unknown): never {
  throw new InputError(`${where}: ${what}`, { where, hint, cause });
}

function object(value: unknown, where: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(where, `expected an object, found ${describe(value)}`);
  return value as JsonObject;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value).slice(0, 40)}`;
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

function optionalString(obj: JsonObject, key: string, where: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(`${where}.${key}`, `expected a string, found ${describe(value)}`);
  return value;
}

function requiredString(obj: JsonObject, key: string, where: string): string {
  const value = optionalString(obj, key, where);
  if (value === undefined) fail(`${where}.${key}`, "is missing (a string is required)");
  return value;
}

export function roleFromJson(value: unknown, where: string): Role {
  if (typeof value === "string" && (ROLES as readonly string[]).includes(value)) return value as Role;
  if (value === undefined || value === null)
    return fail(where, "is missing", `use one of: ${ROLES.join(", ")}`);
  const found = typeof value === "string" ? JSON.stringify(value).slice(0, 40) : describe(value);
  return fail(where, `unknown role ${found}`, `use one of: ${ROLES.join(", ")}`);
}

function toolsFromJson(
  value: JsonValue | undefined,
  where: string,
): Record<string, ToolNamespaceConfig> | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = object(value, where);
  const out: Record<string, ToolNamespaceConfig> = {};
  for (const [key, ns] of Object.entries(obj)) out[key] = namespaceFromJson(ns, `${where}.${key}`);
  return out;
}

function namespaceFromJson(value: JsonValue, where: string): ToolNamespaceConfig {
  const obj = object(value, where);
  const tools = obj.tools;
  if (!Array.isArray(tools)) fail(`${where}.tools`, `expected an array, found ${describe(tools)}`);
  const ns: ToolNamespaceConfig = { name: requiredString(obj, "name", where), tools: [] };
  const description = optionalString(obj, "description", where);
  if (description !== undefined) ns.description = description;
  ns.tools = tools.map((tool, i) => toolFromJson(tool, `${where}.tools[${i}]`));
  return ns;
}

/**
 * What the tools section needs of a tool beyond its JSON shape: a name that is an identifier (the tool is rendered
 * as `type NAME = (_: {…}) => any;` in the model's TypeScript-like tools section) and parameters that are a JSON
 * Schema object, or absent (`undefined` or `null`). `where` names the tool (`tools.json[0]`); the InputError names
 * `where.name` or `where.parameters`, with the fix.
 */
export function checkToolDescription(name: string, parameters: unknown, where: string): void {
  if (!TOOL_NAME.test(name)) {
    fail(
      `${where}.name`,
      `${JSON.stringify(name)} is not a valid tool name`,
      "use letters, digits and _, not starting with a digit, e.g. get_weather",
    );
  }
  if (
    parameters !== undefined &&
    parameters !== null &&
    (typeof parameters !== "object" || Array.isArray(parameters))
  ) {
    fail(
      `${where}.parameters`,
      `expected a JSON Schema object, found ${describe(parameters)}`,
      'e.g. {"type": "object", "properties": {…}}',
    );
  }
}

function toolFromJson(value: JsonValue, where: string): ToolDescription {
  const obj = object(value, where);
  const name = requiredString(obj, "name", where);
  checkToolDescription(name, obj.parameters, where);
  const tool: ToolDescription = { name, description: requiredString(obj, "description", where) };
  if (obj.parameters !== undefined && obj.parameters !== null) tool.parameters = obj.parameters;
  return tool;
}

function channelConfigFromJson(value: JsonValue | undefined, where: string): ChannelConfig | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = object(value, where);
  const channels = obj.valid_channels;
  if (!Array.isArray(channels) || channels.some((c) => typeof c !== "string")) {
    fail(`${where}.valid_channels`, "expected an array of strings");
  }
  if (typeof obj.channel_required !== "boolean") fail(`${where}.channel_required`, "expected true or false");
  return { valid_channels: channels as string[], channel_required: obj.channel_required };
}

function systemFromJson(obj: JsonObject, where: string): SystemContent {
  const out: SystemContent = {};
  const identity = optionalString(obj, "model_identity", where);
  if (identity !== undefined) out.model_identity = identity;
  const effort = optionalString(obj, "reasoning_effort", where);
  if (effort !== undefined) {
    if (!(REASONING_EFFORTS as readonly string[]).includes(effort)) {
      fail(
        `${where}.reasoning_effort`,
        `unknown effort ${JSON.stringify(effort)}`,
        `use one of: ${REASONING_EFFORTS.join(", ")}`,
      );
    }
    out.reasoning_effort = effort as ReasoningEffort;
  }
  const tools = toolsFromJson(obj.tools, `${where}.tools`);
  if (tools !== undefined) out.tools = tools;
  const date = optionalString(obj, "conversation_start_date", where);
  if (date !== undefined) out.conversation_start_date = date;
  const cutoff = optionalString(obj, "knowledge_cutoff", where);
  if (cutoff !== undefined) out.knowledge_cutoff = cutoff;
  const channels = channelConfigFromJson(obj.channel_config, `${where}.channel_config`);
  if (channels !== undefined) out.channel_config = channels;
  return out;
}

function contentFromJson(value: JsonValue, where: string): Content {
  const obj = object(value, where);
  switch (obj.type) {
    case "text":
      return { type: "text", text: requiredString(obj, "text", where) };
    case "system_content":
      return { type: "system_content", ...systemFromJson(obj, where) };
    case "developer_content": {
      const dev: DeveloperContent = {};
      const instructions = optionalString(obj, "instructions", where);
      if (instructions !== undefined) dev.instructions = instructions;
      const tools = toolsFromJson(obj.tools, `${where}.tools`);
      if (tools !== undefined) dev.tools = tools;
      return { type: "developer_content", ...dev };
    }
    default:
      return fail(
        `${where}.type`,
        `unknown content type ${describe(obj.type)}`,
        "use text, system_content or developer_content",
      );
  }
}

export function messageFromJson(value: unknown, where = "message"): Message {
  const obj = object(value, where);
  const role = roleFromJson(obj.role, `${where}.role`);
  const name = optionalString(obj, "name", where);
  const raw = obj.content;
  let content: Content[];
  if (typeof raw === "string") content = [{ type: "text", text: raw }];
  else if (Array.isArray(raw)) content = raw.map((c, i) => contentFromJson(c, `${where}.content[${i}]`));
  else return fail(`${where}.content`, `expected a string or an array of contents, found ${describe(raw)}`);
  const message: Message = { author: name === undefined ? { role } : { role, name }, content };
  const recipient = optionalString(obj, "recipient", where);
  if (recipient !== undefined) message.recipient = recipient;
  const channel = optionalString(obj, "channel", where);
  if (channel !== undefined) message.channel = channel;
  const contentType = optionalString(obj, "content_type", where);
  if (contentType !== undefined) message.content_type = contentType;
  return message;
}

export function conversationFromJson(value: unknown, where = "conversation"): Conversation {
  const obj = object(value, where);
  if (!Array.isArray(obj.messages))
    fail(`${where}.messages`, `expected an array, found ${describe(obj.messages)}`);
  return { messages: obj.messages.map((m, i) => messageFromJson(m, `${where}.messages[${i}]`)) };
}

/** Parses JSON text; syntax errors become an InputError that names the source and the position. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(source, `invalid JSON (${(error as Error).message})`, undefined, error);
  }
}

function toolsToJson(tools: Record<string, ToolNamespaceConfig> | undefined): JsonValue {
  if (tools === undefined) return null;
  const out: JsonObject = {};
  for (const key of Object.keys(tools).sort()) {
    const ns = tools[key] as ToolNamespaceConfig;
    out[key] = {
      name: ns.name,
      description: ns.description ?? null,
      tools: ns.tools.map((t) => ({
        name: t.name,
        description: t.description,
        parameters: t.parameters ?? null,
      })),
    };
  }
  return out;
}

function contentToJson(content: Content): JsonValue {
  switch (content.type) {
    case "text":
      return { type: "text", text: content.text };
    case "system_content":
      return {
        type: "system_content",
        model_identity: content.model_identity ?? null,
        reasoning_effort: content.reasoning_effort ?? null,
        tools: toolsToJson(content.tools),
        conversation_start_date: content.conversation_start_date ?? null,
        knowledge_cutoff: content.knowledge_cutoff ?? null,
        channel_config: content.channel_config
          ? {
              valid_channels: [...content.channel_config.valid_channels],
              channel_required: content.channel_config.channel_required,
            }
          : null,
      };
    case "developer_content":
      return {
        type: "developer_content",
        instructions: content.instructions ?? null,
        tools: toolsToJson(content.tools),
      };
  }
}

export function messageToJson(message: Message): JsonObject {
  const out: JsonObject = { role: message.author.role };
  if (message.author.name !== undefined) out.name = message.author.name;
  if (message.recipient !== undefined) out.recipient = message.recipient;
  const only = message.content.length === 1 ? message.content[0] : undefined;
  out.content = only?.type === "text" ? only.text : message.content.map(contentToJson);
  if (message.channel !== undefined) out.channel = message.channel;
  if (message.content_type !== undefined) out.content_type = message.content_type;
  return out;
}

export function conversationToJson(conversation: Conversation): JsonObject {
  return { messages: conversation.messages.map(messageToJson) };
}
