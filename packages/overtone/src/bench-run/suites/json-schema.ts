/**
 * The JSON Schema subset a user suite's `json-schema` assertion checks. No full validator is a dependency of the
 * package (ajv is not installed; zod is a dev tool of the repository only), and a suite needs the common shape
 * checks, so this is a small validator with a stated subset:
 *
 *   type (one or a list: object, array, string, number, integer, boolean, null), enum, const,
 *   properties, required, additionalProperties (true, false or a schema), items (one schema), minItems, maxItems,
 *   minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, anyOf, allOf, oneOf,
 *   not, and the annotations $schema, $id, title, description, default, examples.
 *
 * Any other keyword is refused when the suite loads (`unsupportedKeyword`), so a schema never looks checked
 * while part of it is ignored.
 */

export type JsonSchema = boolean | { [keyword: string]: unknown };

const SUPPORTED = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "anyOf",
  "allOf",
  "oneOf",
  "not",
  "$schema",
  "$id",
  "title",
  "description",
  "default",
  "examples",
]);
const SCHEMA_LISTS = ["anyOf", "allOf", "oneOf"];

/** The key path (inside the schema) of the first keyword the subset does not check, or undefined. */
export function unsupportedKeyword(schema: unknown, path = ""): string | undefined {
  if (typeof schema === "boolean") return undefined;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    return path === "" ? "(schema)" : path;
  const object = schema as Record<string, unknown>;
  for (const [keyword, value] of Object.entries(object)) {
    const at = path === "" ? keyword : `${path}.${keyword}`;
    if (!SUPPORTED.has(keyword)) return at;
    if (keyword === "properties" && typeof value === "object" && value !== null) {
      for (const [name, sub] of Object.entries(value)) {
        const found = unsupportedKeyword(sub, `${at}.${name}`);
        if (found !== undefined) return found;
      }
    } else if (
      keyword === "items" ||
      keyword === "not" ||
      (keyword === "additionalProperties" && typeof value !== "boolean")
    ) {
      const found = unsupportedKeyword(value, at);
      if (found !== undefined) return found;
    } else if (SCHEMA_LISTS.includes(keyword)) {
      if (!Array.isArray(value)) return at;
      for (const [i, sub] of value.entries()) {
        const found = unsupportedKeyword(sub, `${at}[${i}]`);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === "integer") return Number.isInteger(value);
  return typeOf(value) === type;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What is wrong with `value` under `schema`, one message per problem naming its place (`$.ideas[2]`). */
export function schemaProblems(value: unknown, schema: JsonSchema, at = "$"): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at} is not allowed`];
  const s = schema as Record<string, unknown>;
  const problems: string[] = [];
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((type) => hasType(value, type))) {
      return [`${at} is ${typeOf(value)}, not ${types.join(" or ")}`];
    }
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((option) => same(option, value))) {
    problems.push(`${at} is ${JSON.stringify(value)}, not one of ${JSON.stringify(s.enum)}`);
  }
  if (s.const !== undefined && !same(s.const, value))
    problems.push(`${at} is not ${JSON.stringify(s.const)}`);
  if (typeof value === "string") problems.push(...stringProblems(value, s, at));
  if (typeof value === "number") problems.push(...numberProblems(value, s, at));
  if (Array.isArray(value)) problems.push(...arrayProblems(value, s, at));
  else if (typeOf(value) === "object")
    problems.push(...objectProblems(value as Record<string, unknown>, s, at));
  for (const sub of (s.allOf as JsonSchema[] | undefined) ?? [])
    problems.push(...schemaProblems(value, sub, at));
  if (
    s.anyOf !== undefined &&
    !(s.anyOf as JsonSchema[]).some((sub) => schemaProblems(value, sub, at).length === 0)
  ) {
    problems.push(`${at} matches none of anyOf`);
  }
  if (s.oneOf !== undefined) {
    const matches = (s.oneOf as JsonSchema[]).filter(
      (sub) => schemaProblems(value, sub, at).length === 0,
    ).length;
    if (matches !== 1) problems.push(`${at} matches ${matches} of oneOf, not exactly 1`);
  }
  if (s.not !== undefined && schemaProblems(value, s.not as JsonSchema, at).length === 0) {
    problems.push(`${at} matches the schema under not`);
  }
  return problems;
}

function stringProblems(value: string, s: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const length = [...value].length;
  if (typeof s.minLength === "number" && length < s.minLength)
    problems.push(`${at} is shorter than ${s.minLength}`);
  if (typeof s.maxLength === "number" && length > s.maxLength)
    problems.push(`${at} is longer than ${s.maxLength}`);
  if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value)) {
    problems.push(`${at} does not match /${s.pattern}/`);
  }
  return problems;
}

function numberProblems(value: number, s: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  if (typeof s.minimum === "number" && value < s.minimum) problems.push(`${at} is below ${s.minimum}`);
  if (typeof s.maximum === "number" && value > s.maximum) problems.push(`${at} is above ${s.maximum}`);
  if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) {
    problems.push(`${at} is not above ${s.exclusiveMinimum}`);
  }
  if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) {
    problems.push(`${at} is not below ${s.exclusiveMaximum}`);
  }
  return problems;
}

function arrayProblems(value: unknown[], s: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  if (typeof s.minItems === "number" && value.length < s.minItems) {
    problems.push(`${at} has ${value.length} items, fewer than ${s.minItems}`);
  }
  if (typeof s.maxItems === "number" && value.length > s.maxItems) {
    problems.push(`${at} has ${value.length} items, more than ${s.maxItems}`);
  }
  if (s.items !== undefined) {
    for (const [i, item] of value.entries())
      problems.push(...schemaProblems(item, s.items as JsonSchema, `${at}[${i}]`));
  }
  return problems;
}

function objectProblems(value: Record<string, unknown>, s: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  for (const name of (s.required as string[] | undefined) ?? []) {
    if (!Object.hasOwn(value, name)) problems.push(`${at} lacks the required "${name}"`);
  }
  const properties = (s.properties as Record<string, JsonSchema> | undefined) ?? {};
  for (const [name, item] of Object.entries(value)) {
    const where = `${at}.${name}`;
    if (Object.hasOwn(properties, name))
      problems.push(...schemaProblems(item, properties[name] as JsonSchema, where));
    else if (s.additionalProperties !== undefined) {
      problems.push(...schemaProblems(item, s.additionalProperties as JsonSchema, where));
    }
  }
  return problems;
}
