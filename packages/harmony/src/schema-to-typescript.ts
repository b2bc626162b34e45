/**
 * JSON Schema → the TypeScript-like type text that Harmony puts in a tools section, reproducing openai/harmony
 * v0.0.8's `json_schema_to_typescript` rule for rule (spec.md §5.3), quirks included: the model was trained on
 * exactly this text, so "fixing" any of it would change what the model sees.
 *
 * Only `oneOf`, `type`, `properties`, `required`, `items`, `enum`, `nullable`, `default`, `title`,
 * `description` and `examples` are read; `anyOf`, `allOf`, `$ref` and everything else are ignored.
 */
import { jsonDisplay } from "./json-display.js";
import type { JsonValue } from "./types.js";

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** serde's `value.get(key)`: only objects have fields, and inherited properties are not fields. */
function field(schema: JsonValue | undefined, key: string): JsonValue | undefined {
  return isObject(schema) && Object.hasOwn(schema, key) ? schema[key] : undefined;
}

function stringField(schema: JsonValue | undefined, key: string): string | undefined {
  const value = field(schema, key);
  return typeof value === "string" ? value : undefined;
}

function hasEnum(schema: JsonValue): boolean {
  const values = field(schema, "enum");
  return Array.isArray(values) && values.length > 0;
}

function withNullable(type: string, schema: JsonValue): string {
  return field(schema, "nullable") === true && !type.includes("null") ? `${type} | null` : type;
}

/**
 * Upstream writes a string default quoted but unescaped, except that an enum's string default is bare in
 * property comments and JSON (escaped) in top-level oneOf comments; other defaults are serde's compact JSON.
 */
function defaultComment(schema: JsonValue, value: JsonValue, enumStringStyle: "bare" | "json"): string {
  if (typeof value !== "string") return `default: ${jsonDisplay(value)}`;
  if (!hasEnum(schema)) return `default: "${value}"`;
  return enumStringStyle === "bare" ? `default: ${value}` : `default: ${jsonDisplay(value)}`;
}

export function schemaToTypeScript(schema: JsonValue, indent = ""): string {
  const oneOf = field(schema, "oneOf");
  if (Array.isArray(oneOf)) return oneOfUnion(oneOf, indent);

  const type = field(schema, "type");
  if (Array.isArray(type)) {
    const names = type.filter((t): t is string => typeof t === "string");
    if (names.length > 0) return names.map((t) => (t === "integer" ? "number" : t)).join(" | ");
    return "any";
  }
  switch (type) {
    case "object":
      return objectType(schema, indent);
    case "string":
      return stringType(schema);
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "array": {
      const items = field(schema, "items");
      return items === undefined ? "Array<any>" : `${schemaToTypeScript(items, indent)}[]`;
    }
    default:
      return "any";
  }
}

function stringType(schema: JsonValue): string {
  const values = field(schema, "enum");
  if (!Array.isArray(values)) return "string";
  const literals = values.filter((v): v is string => typeof v === "string").map((v) => `"${v}"`);
  return literals.length > 0 ? literals.join(" | ") : "string";
}

/** A top-level oneOf: every variant on its own ` | ` line, each with its description and default after it. */
function oneOfUnion(variants: JsonValue[], indent: string): string {
  let out = "";
  for (const variant of variants) {
    out += `\n${indent} | ${withNullable(schemaToTypeScript(variant, `${indent}   `), variant)}`;
    const comments: string[] = [];
    const description = stringField(variant, "description");
    if (description !== undefined) comments.push(description);
    const fallback = field(variant, "default");
    if (fallback !== undefined) comments.push(defaultComment(variant, fallback, "json"));
    if (comments.length > 0) out += ` // ${comments.join(" ")}`;
  }
  return out;
}

function objectType(schema: JsonValue, indent: string): string {
  let out = "";
  const description = stringField(schema, "description");
  if (description !== undefined) out += `${indent}// ${description}\n`;
  out += "{\n";
  const properties = field(schema, "properties");
  if (isObject(properties)) {
    const requiredList = field(schema, "required");
    const required = new Set(
      Array.isArray(requiredList) ? requiredList.filter((r): r is string => typeof r === "string") : [],
    );
    for (const [key, property] of Object.entries(properties)) {
      out += propertyLines(key, property, required.has(key), indent);
    }
  }
  return `${out}${indent}}`;
}

function propertyLines(key: string, property: JsonValue, required: boolean, indent: string): string {
  let out = "";
  const title = stringField(property, "title");
  if (title !== undefined) out += `${indent}// ${title}\n${indent}//\n`;
  // A property with any `oneOf` key (even a non-array one) gets its description from the oneOf rules or not at all.
  const oneOf = field(property, "oneOf");
  const description = stringField(property, "description");
  if (oneOf === undefined && description !== undefined) out += `${indent}// ${description}\n`;
  const examples = field(property, "examples");
  if (Array.isArray(examples) && examples.length > 0) {
    out += `${indent}// Examples:\n`;
    for (const example of examples) if (typeof example === "string") out += `${indent}// - "${example}"\n`;
  }
  const optional = required ? "" : "?";
  if (Array.isArray(oneOf)) return out + oneOfProperty(key + optional, property, oneOf, description, indent);

  out += `${indent}${key}${optional}: ${withNullable(schemaToTypeScript(property, `${indent}    `), property)},`;
  const fallback = field(property, "default");
  if (oneOf === undefined && fallback !== undefined)
    out += ` // ${defaultComment(property, fallback, "bare")}`;
  return `${out}\n`;
}

/** A property whose value is a oneOf: comments above the key, then one ` | variant // comments` line each. */
function oneOfProperty(
  label: string,
  property: JsonValue,
  variants: JsonValue[],
  description: string | undefined,
  indent: string,
): string {
  let out = "";
  const descriptionAbove =
    description !== undefined && description !== stringField(variants[0], "description");
  if (descriptionAbove) out += `${indent}// ${description}\n`;
  const fallback = field(property, "default");
  if (fallback !== undefined) out += `${indent}// ${defaultComment(property, fallback, "bare")}\n`;
  out += `${indent}${label}:\n`;
  variants.forEach((variant, i) => {
    out += `${indent} | ${withNullable(schemaToTypeScript(variant, `${indent}   `), variant)}`;
    const comments: string[] = [];
    const variantDescription = stringField(variant, "description");
    if (
      !(i === 0 && descriptionAbove) &&
      variantDescription !== undefined &&
      variantDescription !== description
    ) {
      comments.push(variantDescription);
    }
    const variantDefault = field(variant, "default");
    if (variantDefault !== undefined) comments.push(defaultComment(variant, variantDefault, "bare"));
    if (comments.length > 0) out += ` // ${comments.join(" ")}`;
    out += "\n";
  });
  return `${out}${indent},\n`;
}
