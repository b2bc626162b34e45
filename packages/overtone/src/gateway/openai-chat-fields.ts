/**
 * The checks of single Chat Completions request fields (gateway.md §1.1): numbers in range, `stop`,
 * `tool_choice` and `response_format` (`reasoning_effort` is generate-request.ts's, shared with the other
 * protocols). Each wrong value is a 400 that names the field and says what is expected; `null` is "not set"
 * everywhere, as clients send it.
 */
import type { ToolDescription } from "@overtone/harmony";
import { asObject, badRequest } from "./protocol.js";

/**
 * What `tool_choice` allows: no call, a call when the model wants (`auto`), or a required call; `only` limits
 * the tools to some names (a named function, `allowed_tools`).
 */
export interface ChatToolChoice {
  mode: "none" | "auto" | "required";
  only?: string[];
}

export type ChatResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      name: string;
      description?: string;
      schema?: Record<string, unknown>;
      strict?: boolean;
    };

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badRequest(`${param} must be true or false`, param);
  return value;
}

export function optionalNumber(value: unknown, param: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw badRequest(`${param} must be a number from ${min} to ${max}`, param);
  }
  return value;
}

/** An integer, at least `min` when given (`max_tokens` takes 1 and up). */
export function optionalInteger(value: unknown, param: string, min?: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || (min !== undefined && value < min)) {
    const range =
      min === 1 ? "a positive integer" : min !== undefined ? `an integer of at least ${min}` : "an integer";
    throw badRequest(`${param} must be ${range}`, param);
  }
  return value;
}

/** `stop`: a string or up to 4 strings; empty strings are dropped (they would stop before anything). */
export function stopStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length > 4 || list.some((entry) => typeof entry !== "string")) {
    throw badRequest("stop must be a string or an array of up to 4 strings", "stop");
  }
  return (list as string[]).filter((entry) => entry !== "");
}

/** `tool_choice`; a name it gives must be one of `tools`. Absent: `auto` (with or without tools). */
export function chatToolChoice(value: unknown, tools: readonly ToolDescription[]): ChatToolChoice {
  if (value === undefined || value === null || value === "auto") return { mode: "auto" };
  if (value === "none") return { mode: "none" };
  const declared = new Set(tools.map((tool) => tool.name));
  const needTools = (what: string, param: string): void => {
    if (declared.size === 0)
      throw badRequest(`tool_choice ${what} needs tools, but the request has none`, param);
  };
  const known = (name: unknown, param: string): string => {
    if (typeof name !== "string" || !declared.has(name)) {
      const list = [...declared].join(", ");
      throw badRequest(
        `tool_choice names ${JSON.stringify(name)}, which is not one of the tools (${list})`,
        param,
      );
    }
    return name;
  };
  if (value === "required") {
    needTools('"required"', "tool_choice");
    return { mode: "required" };
  }
  const choice = asObject(value);
  if (choice?.type === "function") {
    needTools("naming a function", "tool_choice");
    const fn = asObject(choice.function);
    // The flat shape ({type, name}) is the Responses API's; some clients send it here too.
    const name = fn !== undefined ? fn.name : choice.name;
    return { mode: "required", only: [known(name, "tool_choice.function.name")] };
  }
  if (choice?.type === "allowed_tools") {
    needTools('"allowed_tools"', "tool_choice");
    const allowed = asObject(choice.allowed_tools);
    const mode = allowed?.mode;
    if (allowed === undefined || (mode !== "auto" && mode !== "required") || !Array.isArray(allowed.tools)) {
      throw badRequest(
        'tool_choice.allowed_tools must be {"mode":"auto"|"required","tools":[{"type":"function","function":{"name":…}}]}',
        "tool_choice.allowed_tools",
      );
    }
    const only = allowed.tools.map((entry: unknown, index) => {
      const tool = asObject(entry);
      const name = asObject(tool?.function)?.name ?? tool?.name;
      return known(name, `tool_choice.allowed_tools.tools[${index}]`);
    });
    return { mode, only };
  }
  throw badRequest(
    'tool_choice must be "none", "auto", "required" or {"type":"function","function":{"name":…}}',
    "tool_choice",
  );
}

/** `response_format`: `text`, `json_object`, or `json_schema` with its `json_schema` object (as vLLM checks). */
export function chatResponseFormat(value: unknown): ChatResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = asObject(value);
  const type = format?.type;
  if (format === undefined || (type !== "text" && type !== "json_object" && type !== "json_schema")) {
    throw badRequest(
      'response_format.type must be "text", "json_object" or "json_schema"',
      "response_format.type",
    );
  }
  if (type !== "json_schema") return { type };
  const spec = asObject(format.json_schema);
  if (spec === undefined) {
    throw badRequest(
      'response_format of type "json_schema" needs a json_schema object: {"name":…,"schema":{…}}',
      "response_format.json_schema",
    );
  }
  if (typeof spec.name !== "string" || spec.name === "") {
    throw badRequest(
      "response_format.json_schema.name must be a non-empty string",
      "response_format.json_schema.name",
    );
  }
  const schema = spec.schema;
  if (schema !== undefined && schema !== null && asObject(schema) === undefined) {
    throw badRequest(
      "response_format.json_schema.schema must be a JSON Schema object",
      "response_format.json_schema.schema",
    );
  }
  const strict = optionalBoolean(spec.strict, "response_format.json_schema.strict");
  const description = spec.description;
  if (description !== undefined && description !== null && typeof description !== "string") {
    throw badRequest(
      "response_format.json_schema.description must be a string",
      "response_format.json_schema.description",
    );
  }
  return {
    type,
    name: spec.name,
    ...(typeof description === "string" ? { description } : {}),
    ...(asObject(schema) !== undefined ? { schema: asObject(schema) } : {}),
    ...(strict !== undefined ? { strict } : {}),
  };
}
