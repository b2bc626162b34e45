/**
 * Every rule of upstream's json_schema_to_typescript (spec.md §5.3). The expected strings are worked out by hand
 * from src/encoding.rs v0.0.8 (indent "" at the root, +4 spaces per nested property, +3 in oneOf variants).
 */
import { describe, expect, it } from "vitest";
import { schemaToTypeScript as ts } from "./schema-to-typescript.js";
import type { JsonValue } from "./types.js";

const object = (properties: Record<string, JsonValue>, extra: Record<string, JsonValue> = {}): JsonValue => ({
  type: "object",
  properties,
  ...extra,
});

describe("scalar and array types", () => {
  it("maps JSON Schema types, integer becoming number", () => {
    expect(ts({ type: "string" })).toBe("string");
    expect(ts({ type: "number" })).toBe("number");
    expect(ts({ type: "integer" })).toBe("number");
    expect(ts({ type: "boolean" })).toBe("boolean");
  });

  it("renders anything it does not know as any", () => {
    expect(ts({ type: "null" })).toBe("any");
    expect(ts({ type: "date" })).toBe("any");
    expect(ts({})).toBe("any");
    expect(ts(true)).toBe("any");
    expect(ts({ anyOf: [{ type: "string" }, { type: "number" }] })).toBe("any");
    expect(ts({ allOf: [{ type: "string" }] })).toBe("any");
    expect(ts({ $ref: "#/definitions/x" })).toBe("any");
    expect(ts({ oneOf: "not an array" })).toBe("any");
  });

  it("joins a type array verbatim except integer, ignoring enum and nullable", () => {
    expect(ts({ type: ["number", "string"] })).toBe("number | string");
    expect(ts({ type: ["integer", "null"], nullable: true, enum: [1] })).toBe("number | null");
    expect(ts({ type: ["object", "array"], properties: { a: { type: "string" } } })).toBe("object | array");
    expect(ts({ type: [1, 2] })).toBe("any");
  });

  it("renders string enums as literal unions, keeping only the strings, unescaped", () => {
    expect(ts({ type: "string", enum: ["a", "b", 3, null, "c"] })).toBe('"a" | "b" | "c"');
    expect(ts({ type: "string", enum: [1, 2] })).toBe("string");
    expect(ts({ type: "string", enum: [] })).toBe("string");
    expect(ts({ type: "string", enum: ['say "hi"'] })).toBe('"say "hi""');
    expect(ts({ type: "number", enum: [1, 2] })).toBe("number");
  });

  it("renders arrays from their items, Array<any> without items", () => {
    expect(ts({ type: "array", items: { type: "integer" } })).toBe("number[]");
    expect(ts({ type: "array", items: { type: "array", items: { type: "string", enum: ["x"] } } })).toBe(
      '"x"[][]',
    );
    expect(ts({ type: "array" })).toBe("Array<any>");
    expect(ts({ type: "array", items: null })).toBe("any[]");
  });
});

describe("objects", () => {
  it("marks properties optional unless required, in insertion order", () => {
    const schema = object({ b: { type: "string" }, a: { type: "integer" } }, { required: ["a", 7] });
    expect(ts(schema)).toBe("{\nb?: string,\na: number,\n}");
  });

  it("renders empty or missing properties as an empty block", () => {
    expect(ts({ type: "object", properties: {} })).toBe("{\n}");
    expect(ts({ type: "object" })).toBe("{\n}");
    expect(ts({ type: "object" }, "    ")).toBe("{\n    }");
  });

  it("puts the object's own description before the brace", () => {
    expect(ts(object({}, { description: "params object" }))).toBe("// params object\n{\n}");
  });

  it("writes title, then description (not re-prefixed per line), then string examples", () => {
    const schema = object({
      s: { type: "string", title: "T", description: "first\nsecond", examples: ["a", 1, "b"] },
      n: { type: "number", examples: [1] },
      e: { type: "number", examples: [] },
    });
    expect(ts(schema)).toBe(
      '{\n// T\n//\n// first\nsecond\n// Examples:\n// - "a"\n// - "b"\ns?: string,\n// Examples:\nn?: number,\ne?: number,\n}',
    );
  });

  it("appends | null to nullable properties unless the type already says null", () => {
    const schema = object({
      a: { type: "string", nullable: true },
      b: { type: ["string", "null"], nullable: true },
      c: { type: "string", nullable: "yes" },
      d: object({ nullable_flag: { type: "boolean" } }, { nullable: true }),
    });
    expect(ts(schema)).toBe(
      "{\na?: string | null,\nb?: string | null,\nc?: string,\nd?: {\n    nullable_flag?: boolean,\n    },\n}",
    );
  });

  it("quotes defaults as upstream does: raw quoted string, bare enum string, JSON otherwise", () => {
    const schema = object({
      s: { type: "string", default: 'a "b"' },
      e: { type: "string", enum: ["x", "y"], default: "x" },
      n: { type: "integer", default: 10 },
      m: { type: "number", default: -1 },
      f: { type: "boolean", default: false },
      z: { type: "string", default: null },
      l: { type: "array", items: { type: "number" }, default: [1, 2] },
      o: { type: "object", default: { k: "v\n" } },
      x: { type: "number", default: 0.000001 },
    });
    expect(ts(schema)).toBe(
      [
        "{",
        's?: string, // default: "a "b""',
        'e?: "x" | "y", // default: x',
        "n?: number, // default: 10",
        "m?: number, // default: -1",
        "f?: boolean, // default: false",
        "z?: string, // default: null",
        "l?: number[], // default: [1,2]",
        'o?: {\n    }, // default: {"k":"v\\n"}',
        "x?: number, // default: 1e-6",
        "}",
      ].join("\n"),
    );
  });

  it("indents nested objects by 4 spaces per level, closing brace included, description twice", () => {
    const schema = object({
      p: object(
        { x: { type: "integer" }, y: { type: "number", description: "why" } },
        { description: "Point", required: ["x"] },
      ),
      q: object({ r: object({ s: { type: "string" } }) }),
    });
    expect(ts(schema)).toBe(
      [
        "{",
        "// Point",
        "p?:     // Point",
        "{",
        "    x: number,",
        "    // why",
        "    y?: number,",
        "    },",
        "q?: {",
        "    r?: {",
        "        s?: string,",
        "        },",
        "    },",
        "}",
      ].join("\n"),
    );
  });

  it("renders arrays of objects at the property's indent", () => {
    const schema = object({ list: { type: "array", items: object({ z: { type: "string" } }) } });
    expect(ts(schema)).toBe("{\nlist?: {\n    z?: string,\n    }[],\n}");
  });

  it("skips description and default of a property whose oneOf is not an array", () => {
    const schema = object({ k: { type: "string", description: "d", default: "x", oneOf: null } });
    expect(ts(schema)).toBe("{\nk?: string,\n}");
  });
});

describe("oneOf", () => {
  it("at the top: one ' | ' line per variant with description and default comments", () => {
    const schema: JsonValue = {
      type: "object",
      oneOf: [
        { type: "string", default: 'q"' },
        { type: "string", enum: ['a"b'], default: 'a"b' },
        { type: "number", description: "num", default: 5, nullable: true },
        { type: ["string", "null"], nullable: true },
      ],
    };
    expect(ts(schema, "  ")).toBe(
      '\n   | string // default: "q""\n   | "a"b" // default: "a\\"b"\n   | number | null // num default: 5\n   | string | null',
    );
  });

  it("at the top, nested variants get three more spaces", () => {
    expect(ts({ oneOf: [object({ k: { type: "string" } })] })).toBe("\n | {\n   k?: string,\n   }");
  });

  it("inside an array's items, as upstream (the [] lands after the last variant)", () => {
    const schema = object({
      a: { type: "array", items: { oneOf: [{ type: "string" }, { type: "number" }] } },
    });
    expect(ts(schema)).toBe("{\na?: \n     | string\n     | number[],\n}");
  });

  it("property level: description above unless the first variant has the same one", () => {
    const schema = object(
      {
        o: {
          description: "D",
          default: "zz",
          oneOf: [
            { type: "string", description: "D" },
            { type: "number", description: "N" },
            { type: "boolean", description: "D" },
          ],
        },
        p: {
          description: "P",
          oneOf: [
            { type: "string", description: "S" },
            { type: "integer", description: "I", default: 3 },
          ],
        },
      },
      { required: ["p"] },
    );
    expect(ts(schema)).toBe(
      [
        "{",
        '// default: "zz"',
        "o?:",
        " | string",
        " | number // N",
        " | boolean",
        ",",
        "// P",
        "p:",
        " | string",
        " | number // I default: 3",
        ",",
        "}",
      ].join("\n"),
    );
  });

  it("property level: enum defaults bare, JSON defaults, nullable variants, title and examples", () => {
    const schema = object({
      v: {
        title: "V",
        examples: ["e"],
        enum: ["x"],
        default: "x",
        oneOf: [
          { type: "string", enum: ["x"], default: "x", nullable: true },
          { type: "string", default: "y" },
          object({ k: { type: "number" } }, { default: { k: 1 } }),
        ],
      },
    });
    expect(ts(schema)).toBe(
      [
        "{",
        "// V",
        "//",
        "// Examples:",
        '// - "e"',
        "// default: x",
        "v?:",
        ' | "x" | null // default: x',
        ' | string // default: "y"',
        " | {",
        "   k?: number,",
        '   } // default: {"k":1}',
        ",",
        "}",
      ].join("\n"),
    );
  });

  it("reproduces the kitchensink oneOf of test_render_functions_with_parameters", () => {
    const schema = object({
      oneof_string_or_number: {
        oneOf: [
          { type: "string", default: "default_string_in_oneof" },
          { type: "number", description: "numbers can happen too" },
        ],
        description: "a oneof",
        default: 20,
      },
    });
    expect(ts(schema)).toBe(
      '{\n// a oneof\n// default: 20\noneof_string_or_number?:\n | string // default: "default_string_in_oneof"\n | number // numbers can happen too\n,\n}',
    );
  });
});
