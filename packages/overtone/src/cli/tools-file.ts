/**
 * Reading `--tools FILE`: a JSON array of function tools, in Harmony's form (`{name, description, parameters}`)
 * or OpenAI's (`{type: "function", function: {…}}`), or an object with a `tools` array.
 */
import { InputError } from "@overtone/errors";
import { checkToolDescription, type JsonValue, type ToolDescription } from "@overtone/harmony";

type JsonObject = { [key: string]: JsonValue };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
    // What Harmony's tools section needs (an identifier for a name, an object for parameters), checked as the
    // library checks a conversation's tools.
    checkToolDescription(tool.name, tool.parameters, where);
    if (tool.description !== undefined && typeof tool.description !== "string") {
      throw new InputError(`${where}.description: expected a string`, { where });
    }
    const out: ToolDescription = {
      name: tool.name,
      description: (tool.description as string | undefined) ?? "",
    };
    if (tool.parameters !== undefined && tool.parameters !== null) out.parameters = tool.parameters;
    return out;
  });
}
