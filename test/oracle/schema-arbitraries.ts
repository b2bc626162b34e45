/**
 * Random JSON Schemas that reach every rule of harmony's JSON-Schema → TypeScript rendering (spec §5.3):
 * nested objects with required/optional keys, property- and top-level `oneOf` (variant descriptions, defaults,
 * nullable, a property description equal to the first variant's), string enums (with non-string members),
 * arrays with and without `items`, `type` arrays (`integer` → `number`, non-strings dropped), `title`,
 * `examples` (string and non-string), defaults of every JSON type, ignored keywords (`anyOf`, `allOf`, `$ref`,
 * `const`, …) and malformed shapes (`type: 5`, `oneOf: "x"`, `properties: []`, non-object schemas).
 */
import fc from "fast-check";
import type { JsonValue } from "../../packages/harmony/src/types.js";
import { identifier, jsonValue, multilineText, text } from "./text-arbitraries.js";

type Schema = JsonValue;
type SchemaObject = { [key: string]: JsonValue };

const nonString: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(0).map((): JsonValue => []),
  fc.constant(0).map((): JsonValue => ({ text: "x" })),
);

const description = fc.oneof({ weight: 4, arbitrary: multilineText }, { weight: 1, arbitrary: nonString });

/** Comments and decorations any schema may carry; each key independently present or absent. */
const annotations: fc.Arbitrary<SchemaObject> = fc.record(
  {
    description,
    title: fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: nonString }),
    examples: fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.oneof(text, fc.integer(), fc.constant(null)), { maxLength: 3 }) },
      { weight: 1, arbitrary: nonString },
    ),
    default: jsonValue,
    nullable: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant("true") }),
  },
  { requiredKeys: [], noNullPrototype: true },
);

const withAnnotations = (core: fc.Arbitrary<SchemaObject>, weight = 1): fc.Arbitrary<SchemaObject> =>
  fc
    .tuple(core, fc.option(annotations, { freq: weight + 1, nil: undefined }))
    .map(([schema, extra]) => (extra ? { ...schema, ...extra } : schema));

const enumValues: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 5, arbitrary: fc.array(text, { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(text, fc.integer(), fc.constant(null)), { maxLength: 4 }) },
  { weight: 1, arbitrary: nonString },
);

const SCALAR_TYPES = ["number", "integer", "boolean", "null", "any", "date", "", "Object", "STRING"] as const;
const ALL_TYPES = ["object", "string", "array", ...SCALAR_TYPES] as const;

const scalarSchema: fc.Arbitrary<SchemaObject> = fc.oneof(
  fc.record(
    { type: fc.constant("string"), enum: enumValues },
    { requiredKeys: ["type"], noNullPrototype: true },
  ),
  fc.record({ type: fc.constantFrom(...SCALAR_TYPES) }),
  fc.record({
    type: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...ALL_TYPES) }, nonString), {
      maxLength: 3,
    }),
  }),
  fc.constant({}),
);

/** What an object's `properties` is keyed by: plain names, and names that need care (spaces, `?`, digits). */
const propertyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: identifier },
  {
    weight: 1,
    arbitrary: fc.constantFrom("0", "12", "a b", "x?", "__proto__", "constructor", "", "ключ", "😀"),
  },
);

/** Keywords harmony ignores: a schema made only of these renders as `any`. */
const ignoredKeywords = (schema: fc.Arbitrary<Schema>): fc.Arbitrary<SchemaObject> =>
  fc.record(
    {
      anyOf: fc.array(schema, { maxLength: 2 }),
      allOf: fc.array(schema, { maxLength: 2 }),
      $ref: fc.constantFrom("#/$defs/thing", "#"),
      const: jsonValue,
      additionalProperties: fc.oneof(fc.boolean(), schema),
      format: fc.constantFrom("date-time", "uri"),
      minimum: fc.integer(),
      $defs: fc.dictionary(identifier, schema, { maxKeys: 1, noNullPrototype: true }),
    },
    { requiredKeys: [], noNullPrototype: true },
  );

const schemas = fc.letrec<{
  schema: Schema;
  object: SchemaObject;
  oneOf: SchemaObject;
  array: SchemaObject;
}>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: withAnnotations(scalarSchema, 2) },
    { weight: 5, arbitrary: tie("object") },
    { weight: 3, arbitrary: tie("oneOf") },
    { weight: 2, arbitrary: tie("array") },
    { weight: 1, arbitrary: ignoredKeywords(tie("schema")) },
    {
      weight: 1,
      arbitrary: fc.oneof(nonString, text, fc.constant({ type: 5 }), fc.constant({ oneOf: "x" })),
    },
  ),
  object: withAnnotations(
    fc.dictionary(propertyKey, tie("schema"), { maxKeys: 4, noNullPrototype: true }).chain((properties) =>
      fc.record(
        {
          type: fc.constant("object"),
          properties: fc.oneof({ weight: 9, arbitrary: fc.constant(properties) }, nonString),
          required: fc.oneof(
            { weight: 6, arbitrary: fc.subarray(Object.keys(properties)) },
            { weight: 1, arbitrary: fc.array(fc.oneof(propertyKey, fc.integer()), { maxLength: 2 }) },
            { weight: 1, arbitrary: nonString },
          ),
        },
        { requiredKeys: ["type"], noNullPrototype: true },
      ),
    ),
  ),
  oneOf: withAnnotations(
    fc
      .array(withAnnotations(fc.oneof(scalarSchema, tie("object")), 3), { maxLength: 3 })
      .chain((variants) => {
        const first = variants[0]?.description;
        // Half the time the property description repeats the first variant's: upstream prints it once.
        const same = typeof first === "string" ? fc.constant(first) : description;
        return fc.record(
          {
            oneOf: fc.constant(variants),
            description: fc.oneof(same, description),
            type: fc.constantFrom(...ALL_TYPES),
          },
          { requiredKeys: ["oneOf"], noNullPrototype: true },
        );
      }),
    2,
  ),
  array: withAnnotations(
    fc.record(
      { type: fc.constant("array"), items: tie("schema") },
      { requiredKeys: ["type"], noNullPrototype: true },
    ),
  ),
}));

export const jsonSchema: fc.Arbitrary<Schema> = schemas.schema;
export const objectSchema: fc.Arbitrary<SchemaObject> = schemas.object;

/** A tool's `parameters`: usually an object schema (as real tools have), sometimes anything. */
export const toolParameters: fc.Arbitrary<Schema> = fc.oneof(
  { weight: 4, arbitrary: objectSchema },
  { weight: 1, arbitrary: jsonSchema },
);
