/**
 * A small JSON Schema check for structured answers (`response_format` json_schema, Ollama's `format` schema):
 * the keywords typical structured outputs use — `type` (one or a list; `integer` too), `properties`,
 * `required`, `additionalProperties` (false or a schema), `items`, `enum`, `const`, `anyOf`, `oneOf`,
 * `allOf`, and local `$ref`s into `$defs`/`definitions` (what OpenAI's and Pydantic's schemas are made of).
 * Keywords it does not know (formats, patterns, ranges) are not checked, so it never refuses an answer a full
 * validator would accept; it only says what is clearly wrong. No validator (ajv) is a dependency of the
 * package, and the gateway only reports a failed check (metrics, access log), it never changes the answer.
 */

type Schema = Record<string, unknown>;

/** What is wrong with `value` under `schema`, as `path: problem`, or undefined when nothing is. */
export function schemaProblem(value: unknown, schema: Schema): string | undefined {
  return check(value, schema, "$", schema, 0);
}

/** Deeper than this, a `$ref` cycle is assumed and the rest is not checked. */
const MAX_DEPTH = 64;

function check(
  value: unknown,
  schema: unknown,
  path: string,
  root: Schema,
  depth: number,
): string | undefined {
  if (schema === true || schema === undefined || depth > MAX_DEPTH) return undefined;
  if (schema === false) return `${path}: not allowed`;
  if (typeof schema !== "object" || schema === null) return undefined;
  const s = schema as Schema;
  if (typeof s.$ref === "string") {
    const target = resolve(s.$ref, root);
    const problem = target === undefined ? undefined : check(value, target, path, root, depth + 1);
    if (problem !== undefined) return problem;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((type) => hasType(value, type)))
      return `${path}: expected ${types.join(" or ")}, got ${typeOf(value)}`;
  }
  if (Array.isArray(s.enum) && !s.enum.some((option) => same(option, value))) {
    return `${path}: expected one of ${JSON.stringify(s.enum)}`;
  }
  if (Object.hasOwn(s, "const") && !same(s.const, value))
    return `${path}: expected ${JSON.stringify(s.const)}`;
  for (const sub of Array.isArray(s.allOf) ? s.allOf : []) {
    const problem = check(value, sub, path, root, depth + 1);
    if (problem !== undefined) return problem;
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = s[key];
    if (!Array.isArray(options) || options.length === 0) continue;
    const problems = options.map((option) => check(value, option, path, root, depth + 1));
    const passed = problems.filter((problem) => problem === undefined).length;
    if (passed === 0) return `${path}: matches none of ${key} (${problems[0]})`;
    if (key === "oneOf" && passed > 1) return `${path}: matches ${passed} of oneOf`;
  }
  if (isObject(value)) return objectProblem(value, s, path, root, depth);
  if (Array.isArray(value) && s.items !== undefined && !Array.isArray(s.items)) {
    for (const [index, item] of value.entries()) {
      const problem = check(item, s.items, `${path}[${index}]`, root, depth + 1);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function objectProblem(
  value: Record<string, unknown>,
  s: Schema,
  path: string,
  root: Schema,
  depth: number,
): string | undefined {
  const properties = isObject(s.properties) ? s.properties : {};
  if (Array.isArray(s.required)) {
    for (const name of s.required) {
      if (typeof name === "string" && !Object.hasOwn(value, name))
        return `${path}: missing required "${name}"`;
    }
  }
  for (const [name, item] of Object.entries(value)) {
    const where = `${path}.${name}`;
    if (Object.hasOwn(properties, name)) {
      const problem = check(item, properties[name], where, root, depth + 1);
      if (problem !== undefined) return problem;
    } else if (s.additionalProperties === false) {
      return `${where}: not allowed (additionalProperties is false)`;
    } else if (isObject(s.additionalProperties)) {
      const problem = check(item, s.additionalProperties, where, root, depth + 1);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/** A local reference (`#/$defs/Item`, `#/definitions/Item`, `#`); others are not followed. */
function resolve(ref: string, root: Schema): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    default:
      // A type word this check does not know: not held against the answer.
      return true;
  }
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON equality (enum and const compare values, not references). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((key) => same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}
