/**
 * The options of a Responses request that shape the answer rather than the conversation (gateway.md §2.1):
 * function tools (flat, `{type:"function",name,description,parameters,strict}`; hosted tools such as
 * `web_search_preview` or `mcp` are refused by name, since nothing here can run them), `tool_choice` and
 * `text.format`, each checked into a 400 that names the field; plus the small field checks the request uses.
 */
import type { JsonValue } from "@overtone/harmony";
import { functionTool } from "./generate-request.js";
import { asObject, badRequest } from "./protocol.js";

export interface ResponsesTool {
  name: string;
  description: string;
  parameters?: JsonValue;
  strict?: boolean;
}

export type ToolChoice = "none" | "auto" | "required" | Record<string, unknown>;

export type TextFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      name: string;
      schema: Record<string, unknown>;
      strict?: boolean;
      description?: string;
    };

export function parseTools(value: unknown): ResponsesTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("tools: expected a list of tools", "tools");
  const names = new Set<string>();
  return value.map((entry, i) => {
    const where = `tools[${i}]`;
    const tool = asObject(entry);
    if (tool === undefined) throw badRequest(`${where}: expected an object`, where);
    if (tool.type !== "function") {
      throw badRequest(
        `${where}.type: ${JSON.stringify(tool.type)} tools are not supported by this gateway; only function tools ({"type":"function","name":…,"parameters":…})`,
        `${where}.type`,
      );
    }
    if (typeof tool.name !== "string") {
      const nested =
        asObject(tool.function) !== undefined
          ? ` (Responses function tools are flat, not nested in "function" as in Chat Completions)`
          : "";
      throw badRequest(`${where}.name: expected a string${nested}`, `${where}.name`);
    }
    const described = functionTool(tool, where);
    if (names.has(tool.name))
      throw badRequest(`${where}.name: a second tool named ${tool.name}`, `${where}.name`);
    names.add(tool.name);
    const strict = optionalBoolean(tool.strict, `${where}.strict`);
    return { ...described, ...(strict !== undefined ? { strict } : {}) };
  });
}

export function parseToolChoice(value: unknown, tools: readonly ResponsesTool[]): ToolChoice {
  if (value === undefined || value === null) return "auto";
  if (value === "none" || value === "auto" || value === "required") return value;
  const choice = asObject(value);
  if (choice?.type === "function") {
    if (!tools.some((tool) => tool.name === choice.name)) {
      throw badRequest(
        `tool_choice.name: ${JSON.stringify(choice.name)} is not one of the request's tools`,
        "tool_choice.name",
      );
    }
    return { type: "function", name: choice.name as string };
  }
  if (choice?.type === "allowed_tools") return choice;
  throw badRequest(
    'tool_choice: expected "none", "auto", "required", {"type":"function","name":…} or {"type":"allowed_tools",…}',
    "tool_choice",
  );
}

export function parseTextFormat(value: unknown): TextFormat {
  const text = optionalObject(value, "text");
  const format = optionalObject(text?.format, "text.format");
  if (format === undefined || format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type !== "json_schema") {
    throw badRequest('text.format.type: expected "text", "json_object" or "json_schema"', "text.format.type");
  }
  if (typeof format.name !== "string" || format.name === "") {
    throw badRequest("text.format.name: a json_schema format needs a name", "text.format.name");
  }
  const schema = asObject(format.schema);
  if (schema === undefined)
    throw badRequest("text.format.schema: expected a JSON Schema object", "text.format.schema");
  const strict = optionalBoolean(format.strict, "text.format.strict");
  const description = optionalString(format.description, "text.format.description");
  return {
    type: "json_schema",
    name: format.name,
    schema,
    ...(strict !== undefined ? { strict } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

/** A field that may be absent or null (OpenAI's SDK sends null for "not set"); otherwise it must pass `ok`. */
export function optional<T>(
  value: unknown,
  param: string,
  expected: string,
  ok: (v: unknown) => boolean,
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!ok(value)) throw badRequest(`${param}: expected ${expected}`, param);
  return value as T;
}

export function optionalString(value: unknown, param: string): string | undefined {
  return optional<string>(value, param, "a string", (v) => typeof v === "string");
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  return optional<boolean>(value, param, "true or false", (v) => typeof v === "boolean");
}

export function optionalObject(value: unknown, param: string): Record<string, unknown> | undefined {
  return optional(value, param, "an object", (v) => asObject(v) !== undefined);
}

export function inRange(value: unknown, low: number, high: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= low && value <= high;
}
