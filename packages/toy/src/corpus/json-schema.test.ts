import { InputError } from "@overtone/errors";
import type { JsonValue, ToolDescription } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { checkToolArguments, schemaProblems } from "./json-schema.js";

const weather: ToolDescription = {
  name: "get_weather",
  description: "Gets the current weather in a city.",
  parameters: {
    type: "object",
    properties: {
      location: { type: "string", description: "The city, e.g. Paris" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"], default: "celsius" },
    },
    required: ["location"],
    additionalProperties: false,
  },
};

describe("checkToolArguments", () => {
  it("accepts arguments that fit the schema, optional ones included or not", () => {
    expect(checkToolArguments(weather, '{"location":"Paris"}')).toEqual({
      ok: true,
      value: { location: "Paris" },
    });
    expect(checkToolArguments(weather, '{"location":"Paris","unit":"fahrenheit"}').ok).toBe(true);
  });

  it("names each problem and where it is", () => {
    const check = checkToolArguments(weather, '{"unit":"kelvin","city":"Paris"}');
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems).toEqual([
      'arguments: missing required property "location"',
      'arguments.unit: "kelvin" is not one of "celsius", "fahrenheit"',
      'arguments: unexpected property "city"',
    ]);
  });

  it("rejects text that is not JSON, and JSON of the wrong type", () => {
    const broken = checkToolArguments(weather, '{"location": Paris}');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]).toMatch(/^arguments: not JSON/);
    expect(checkToolArguments(weather, '["Paris"]')).toEqual({
      ok: false,
      problems: ["arguments: expected object, found array"],
    });
    expect(checkToolArguments(weather, '{"location": 7}')).toEqual({
      ok: false,
      problems: ["arguments.location: expected string, found number"],
    });
  });

  it("treats a tool without parameters as taking an empty object", () => {
    const ping: ToolDescription = { name: "ping", description: "Pings." };
    expect(checkToolArguments(ping, "{}").ok).toBe(true);
    expect(checkToolArguments(ping, '{"x":1}').ok).toBe(false);
  });
});

describe("schemaProblems", () => {
  it("checks integer against number, type lists, arrays and additionalProperties schemas", () => {
    expect(schemaProblems({ type: "integer" }, 2.5)).toEqual(["arguments: expected integer, found number"]);
    expect(schemaProblems({ type: "integer" }, 3)).toEqual([]);
    expect(schemaProblems({ type: ["string", "null"] }, null)).toEqual([]);
    expect(schemaProblems({ type: "array", items: { type: "number" } }, [1, "2"])).toEqual([
      "arguments[1]: expected number, found string",
    ]);
    const open: JsonValue = { type: "object", additionalProperties: { type: "boolean" } };
    expect(schemaProblems(open, { a: true, b: 1 })).toEqual(["arguments.b: expected boolean, found number"]);
  });

  it("refuses keywords it does not check instead of passing them silently", () => {
    expect(() => schemaProblems({ type: "number", minimum: 3 }, 1)).toThrow(InputError);
    expect(() => schemaProblems({ type: "number", minimum: 3 }, 1)).toThrow(
      /unsupported JSON Schema keyword "minimum"/,
    );
    expect(() => schemaProblems({ oneOf: [] }, 1)).toThrow(InputError);
  });
});
