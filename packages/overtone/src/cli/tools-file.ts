/**
 * Reading `--tools FILE`: a JSON array of function tools, in Harmony's form (`{name, description, parameters}`)
 * or OpenAI's (`{type: "function", function: {…}}`), or an object with a `tools` array.
 */
import { InputError } from "@overtone/errors";
import type { JsonValue, ToolDescription } from "@overtone/harmony";

type JsonObject = { [key: string]: JsonValue };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A tool name Harmony's tools section can render: a TypeScript identifier in ASCII. */
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function kind(value: JsonValue): string {
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string ${JSON.stringify(value).slice(0, 40)}` : `a ${typeof value}`;
}

export function toolsFromJson(json: unknown, source: string): ToolDescription[] {
  const list = isObject(json) && Array.isArray(json.tools) ? json.tools : json;
  if (!Array.isArray(list)) {
    throw new InputError(`${source}: expected an array of tools`, {
      where: source,
      hint: '[{"name": "get_weather", "description": "…", "parameters": {…JSON Schema…}}]',
    });
  }
  return list.map((item, i) => {
    const where = `${source}[${i}]`;
    const tool = isObject(item) && item.type === "function" && isObject(item.function) ? item.function : item;
    if (!isObject(tool) || typeof tool.name !== "string" || tool.name === "") {
      throw new InputError(`${where}: a tool needs a "name"`, { where });
    }
    // Harmony renders each tool as `type NAME = (_: {…}) => any;`: the name must be an identifier.
    if (!TOOL_NAME.test(tool.name)) {
      throw new InputError(`${where}.name: ${JSON.stringify(tool.name)} is not a valid tool name`, {
        where: `${where}.name`,
        hint: "use letters, digits and _, not starting with a digit, e.g. get_weather",
      });
    }
    const parameters = tool.parameters;
    if (parameters !== undefined && parameters !== null && !isObject(parameters)) {
      throw new InputError(`${where}.parameters: expected a JSON Schema object, found ${kind(parameters)}`, {
        where: `${where}.parameters`,
        hint: 'e.g. {"type": "object", "properties": {…}}',
      });
    }
    if (tool.description !== undefined && typeof tool.description !== "string") {
      throw new InputError(`${where}.description: expected a string`, { where });
    }
    const out: ToolDescription = {
      name: tool.name,
      description: (tool.description as string | undefined) ?? "",
    };
    if (parameters !== undefined && parameters !== null) out.parameters = parameters;
    return out;
  });
}
