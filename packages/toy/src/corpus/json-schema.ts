/**
 * A small JSON Schema checker for tool-call arguments: exactly the keywords tool schemas use here (type,
 * properties, required, enum, additionalProperties, items) plus annotations it may ignore. Nothing in
 * package.json validates JSON Schema, and the evaluation only needs this much; a keyword it does not know is an
 * error rather than silently passing, so a schema can never look satisfied when it was not checked.
 */
import { InputError } from "@overtone/errors";
import type { JsonValue, ToolDescription } from "@overtone/harmony";

type Schema = { [key: string]: JsonValue };

const ANNOTATIONS = new Set(["description", "title", "default", "examples", "$schema", "$comment"]);
const CHECKED = new Set(["type", "properties", "required", "enum", "additionalProperties", "items"]);

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "object":
      return isObject(value);
    default:
      return typeOf(value) === type;
  }
}

function schemaAt(value: JsonValue | undefined, path: string): Schema {
  if (value === true || value === undefined) return {};
  if (!isObject(value)) {
    throw new InputError(`${path}: a schema must be an object`, {
      where: path,
      hint: 'e.g. {"type": "string"}',
    });
  }
  for (const key of Object.keys(value)) {
    if (!CHECKED.has(key) && !ANNOTATIONS.has(key)) {
      throw new InputError(`${path}: unsupported JSON Schema keyword "${key}"`, {
        where: `${path}.${key}`,
        hint: `this checker knows ${[...CHECKED].join(", ")}`,
      });
    }
  }
  return value;
}

/**
 * Every way `value` breaks `schema`, each as `path: what` (empty when it conforms). Throws an InputError for a
 * schema this checker cannot check.
 */
export function schemaProblems(schema: JsonValue, value: unknown, path = "arguments"): string[] {
  const s = schemaAt(schema, `schema of ${path}`);
  const problems: string[] = [];
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type.map(String) : [String(s.type)];
    if (!types.some((t) => hasType(value, t))) {
      problems.push(`${path}: expected ${types.join(" or ")}, found ${typeOf(value)}`);
      return problems; // the other keywords assume the right type
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    problems.push(
      `${path}: ${JSON.stringify(value)} is not one of ${s.enum.map((o) => JSON.stringify(o)).join(", ")}`,
    );
  }
  if (isObject(value)) problems.push(...objectProblems(s, value, path));
  if (Array.isArray(value) && s.items !== undefined) {
    value.forEach((item, i) => {
      problems.push(...schemaProblems(s.items as JsonValue, item, `${path}[${i}]`));
    });
  }
  return problems;
}

function objectProblems(s: Schema, value: { [key: string]: unknown }, path: string): string[] {
  const problems: string[] = [];
  const properties = isObject(s.properties) ? (s.properties as Schema) : {};
  const required = Array.isArray(s.required) ? s.required.map(String) : [];
  for (const name of required) {
    if (!Object.hasOwn(value, name)) problems.push(`${path}: missing required property "${name}"`);
  }
  for (const [name, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, name)) {
      problems.push(...schemaProblems(properties[name] as JsonValue, item, `${path}.${name}`));
    } else if (s.additionalProperties === false) {
      problems.push(`${path}: unexpected property "${name}"`);
    } else if (isObject(s.additionalProperties)) {
      problems.push(...schemaProblems(s.additionalProperties as JsonValue, item, `${path}.${name}`));
    }
  }
  return problems;
}

export type ArgumentsCheck = { ok: true; value: JsonValue } | { ok: false; problems: string[] };

/** Parses a tool call's JSON text and checks it against the tool's parameter schema. */
export function checkToolArguments(tool: ToolDescription, text: string): ArgumentsCheck {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    return { ok: false, problems: [`arguments: not JSON (${(error as Error).message})`] };
  }
  // A tool without parameters takes nothing; an empty object is the only sensible call.
  const schema: JsonValue = tool.parameters ?? {
    type: "object",
    properties: {},
    additionalProperties: false,
  };
  const problems = schemaProblems(schema, value);
  return problems.length === 0 ? { ok: true, value } : { ok: false, problems };
}
