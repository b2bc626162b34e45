import { describe, expect, it } from "vitest";
import { ANY_JSON, grammarSchema } from "./grammar-schema.js";

describe("grammarSchema", () => {
  it("keeps what the converter knows; only the listed properties unless the schema asks for more", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string", format: "email", pattern: "^x" },
        at: { type: "string", format: "date" },
      },
      required: ["city"],
    };
    expect(grammarSchema(schema)).toEqual({
      type: "object",
      properties: { city: { type: "string" }, at: { type: "string", format: "date" } },
      required: ["city"],
      additionalProperties: false,
    });
    expect(grammarSchema({ ...schema, additionalProperties: true })).toMatchObject({
      additionalProperties: true,
    });
    expect(grammarSchema({ type: "object" })).toMatchObject({ additionalProperties: true });
  });

  it("spells anyOf and type lists as oneOf, which the converter knows (it would make anyOf `null`)", () => {
    expect(grammarSchema({ anyOf: [{ type: "string" }, { type: "integer" }] })).toEqual({
      oneOf: [{ type: "string" }, { type: "integer" }],
    });
    expect(grammarSchema({ type: ["string", "null"] })).toEqual({
      oneOf: [{ type: "string" }, { type: "null" }],
    });
  });

  it("keeps $defs and $ref, const and enum, arrays with their bounds", () => {
    const schema = {
      type: "array",
      items: { $ref: "#/$defs/item" },
      minItems: 1,
      $defs: { item: { enum: ["a", "b"] } },
    };
    expect(grammarSchema(schema)).toEqual({
      $defs: { item: { enum: ["a", "b"] } },
      type: "array",
      items: { $ref: "#/$defs/item" },
      minItems: 1,
    });
    expect(grammarSchema({ const: 3 })).toEqual({ const: 3 });
  });

  it("treats a schema that admits anything as any JSON, at the root and nested", () => {
    expect(grammarSchema({})).toBe(ANY_JSON);
    expect(grammarSchema(true)).toBe(ANY_JSON);
    const nested = grammarSchema({ type: "object", properties: { x: {} } }) as Record<string, never>;
    expect(nested.properties).toMatchObject({ x: { oneOf: expect.any(Array) } });
  });

  it("refuses what a grammar here cannot mean, naming where", () => {
    expect(grammarSchema({ allOf: [{ type: "string" }] })).toEqual({ refused: 'schema uses "allOf"' });
    expect(grammarSchema({ type: "object", properties: { a: { not: {} } } })).toEqual({
      refused: 'schema.properties.a uses "not"',
    });
    expect(grammarSchema({ type: "wat" })).toEqual({ refused: 'schema has type "wat"' });
    expect(grammarSchema({ minimum: 3 })).toEqual({ refused: 'schema has no "type"' });
    expect(grammarSchema([1])).toEqual({ refused: "schema is not a schema object" });
  });
});
