/**
 * A request's JSON Schema in the terms of node-llama-cpp's grammar converter, or why it cannot be.
 *
 * The converter knows a subset of JSON Schema, and what it does not know it does not reject: `anyOf`, an empty
 * schema or an unknown type all become a grammar for the single value `null` (checked here), which would force
 * every answer to be wrong. So a schema is translated where the meaning is the same (`anyOf` → its `oneOf`, a
 * union either way in a grammar; `{}` → any JSON), and refused where it is not (`allOf`, `not`, conditionals,
 * pattern properties), in which case the answer is left free and only checked afterwards.
 *
 * A grammar may be looser than the schema — keywords it has no rule for (`pattern`, `minimum`, a string
 * `format` other than date/time) are dropped — and is stricter only where no answer needs the freedom: properties
 * the schema does not list are left out unless it asks for them (`additionalProperties`), and a nested `{}` admits
 * scalars, objects and arrays of scalars. The complete answer is still checked against the whole schema by the
 * gateway.
 */

type Schema = Record<string, unknown>;

/** Keywords whose meaning a grammar of this converter cannot carry. */
const REFUSED = ["allOf", "not", "if", "then", "else", "patternProperties", "dependentSchemas", "contains"];
const TYPES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);
const FORMATS = new Set(["date-time", "time", "date"]);
/** Any JSON value, where a schema allows anything (`{}`, `true`). */
export const ANY_JSON = "any";

/** The converter's schema for `schema`, ANY_JSON, or `{ refused }` naming what it cannot express. */
export function grammarSchema(schema: unknown): Schema | typeof ANY_JSON | { refused: string } {
  try {
    return convert(schema, "schema", true);
  } catch (error) {
    if (error instanceof Refused) return { refused: error.message };
    throw error;
  }
}

class Refused extends Error {}

function convert(schema: unknown, where: string, root = false): Schema | typeof ANY_JSON {
  if (schema === true) return ANY_JSON;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new Refused(`${where} is not a schema object`);
  }
  const source = schema as Schema;
  for (const key of REFUSED) if (key in source) throw new Refused(`${where} uses "${key}"`);
  const out: Schema = {};
  if (root && typeof source.$defs === "object" && source.$defs !== null) {
    out.$defs = Object.fromEntries(
      Object.entries(source.$defs).map(([name, def]) => [name, strict(def, `${where}.$defs.${name}`)]),
    );
  }
  if (typeof source.$ref === "string") return { ...out, $ref: source.$ref };
  if ("const" in source) return { ...out, const: source.const };
  if (Array.isArray(source.enum)) return { ...out, enum: source.enum };
  const union = source.oneOf ?? source.anyOf;
  if (Array.isArray(union)) {
    return { ...out, oneOf: union.map((option, i) => strict(option, `${where}.anyOf[${i}]`)) };
  }
  const types = Array.isArray(source.type) ? source.type : source.type === undefined ? [] : [source.type];
  if (types.length === 0) {
    if (Object.keys(source).some((key) => !["description", "title", "$schema", "$defs"].includes(key))) {
      throw new Refused(`${where} has no "type"`);
    }
    return root && out.$defs === undefined ? ANY_JSON : { ...out, ...anyValue() };
  }
  for (const type of types) {
    if (typeof type !== "string" || !TYPES.has(type))
      throw new Refused(`${where} has type ${JSON.stringify(type)}`);
  }
  if (types.length > 1) return { ...out, oneOf: types.map((type) => strict({ ...source, type }, where)) };
  return { ...out, ...single(source, types[0] as string, where) };
}

function single(source: Schema, type: string, where: string): Schema {
  if (type === "object") {
    const properties = (source.properties ?? {}) as Schema;
    const extra = source.additionalProperties;
    return {
      type,
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, value]) => [
          name,
          strict(value, `${where}.properties.${name}`),
        ]),
      ),
      ...(Array.isArray(source.required) ? { required: source.required } : {}),
      // Where the schema does not say, other properties are allowed but never needed: an answer with only the
      // listed ones is valid, and a model left free to add more fills them with junk (seen on the toy). An object
      // with no listed properties may hold any.
      additionalProperties:
        typeof extra === "object" && extra !== null
          ? strict(extra, `${where}.additionalProperties`)
          : extra === true || (extra === undefined && Object.keys(properties).length === 0),
    };
  }
  if (type === "array") {
    return {
      type,
      ...(source.items !== undefined ? { items: strict(source.items, `${where}.items`) } : {}),
      ...(Array.isArray(source.prefixItems)
        ? { prefixItems: source.prefixItems.map((item, i) => strict(item, `${where}.prefixItems[${i}]`)) }
        : {}),
      ...pick(source, ["minItems", "maxItems"]),
    };
  }
  if (type === "string") {
    const format =
      typeof source.format === "string" && FORMATS.has(source.format) ? { format: source.format } : {};
    return { type, ...format, ...pick(source, ["minLength", "maxLength"]) };
  }
  return { type };
}

/** A nested schema: `{}` or `true` there is any value, spelled in the converter's terms. */
function strict(schema: unknown, where: string): Schema {
  const converted = convert(schema, where);
  return converted === ANY_JSON ? anyValue() : converted;
}

function anyValue(): Schema {
  return {
    oneOf: [
      { type: ["string", "number", "boolean", "null"] },
      { type: "object", additionalProperties: true },
      { type: "array", items: { type: ["string", "number", "boolean", "null"] } },
    ],
  };
}

function pick(source: Schema, keys: readonly string[]): Schema {
  return Object.fromEntries(
    keys.filter((key) => typeof source[key] === "number").map((key) => [key, source[key]]),
  );
}
