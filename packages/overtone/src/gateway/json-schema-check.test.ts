import { describe, expect, it } from "vitest";
import { schemaProblem } from "./json-schema-check.js";

/** An OpenAI-style strict schema, as the structured-outputs guide writes them. */
const EVENT = {
  type: "object",
  properties: {
    name: { type: "string" },
    date: { type: "string" },
    attendees: { type: "array", items: { type: "string" } },
    kind: { type: "string", enum: ["meeting", "party"] },
    seats: { type: ["integer", "null"] },
    place: { $ref: "#/$defs/place" },
  },
  required: ["name", "date", "attendees"],
  additionalProperties: false,
  $defs: {
    place: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    },
  },
};

describe("schemaProblem", () => {
  it("accepts what the schema allows", () => {
    const ok = { name: "Fair", date: "Friday", attendees: ["Alice", "Bob"], kind: "party", seats: null };
    expect(schemaProblem(ok, EVENT)).toBeUndefined();
    expect(schemaProblem({ ...ok, seats: 3, place: { city: "Oslo" } }, EVENT)).toBeUndefined();
  });

  it("names the first thing that is wrong, with its path", () => {
    const ok = { name: "Fair", date: "Friday", attendees: ["Alice"] };
    expect(schemaProblem({ name: "Fair", attendees: [] }, EVENT)).toBe('$: missing required "date"');
    expect(schemaProblem({ ...ok, attendees: ["Alice", 2] }, EVENT)).toBe(
      "$.attendees[1]: expected string, got number",
    );
    expect(schemaProblem({ ...ok, kind: "wedding" }, EVENT)).toBe(
      '$.kind: expected one of ["meeting","party"]',
    );
    expect(schemaProblem({ ...ok, seats: 2.5 }, EVENT)).toBe("$.seats: expected integer or null, got number");
    expect(schemaProblem({ ...ok, extra: 1 }, EVENT)).toBe(
      "$.extra: not allowed (additionalProperties is false)",
    );
    expect(schemaProblem({ ...ok, place: {} }, EVENT)).toBe('$.place: missing required "city"');
    expect(schemaProblem([ok], EVENT)).toBe("$: expected object, got array");
  });

  it("checks anyOf, const and additionalProperties schemas; ignores keywords it does not know", () => {
    const either = { anyOf: [{ type: "string" }, { type: "object", properties: { x: { const: 1 } } }] };
    expect(schemaProblem("s", either)).toBeUndefined();
    expect(schemaProblem({ x: 1 }, either)).toBeUndefined();
    expect(schemaProblem({ x: 2 }, either)).toMatch(/^\$: matches none of anyOf/);
    const map = { type: "object", additionalProperties: { type: "number" } };
    expect(schemaProblem({ a: 1, b: "2" }, map)).toBe("$.b: expected number, got string");
    expect(schemaProblem("abc", { type: "string", pattern: "^x", format: "email" })).toBeUndefined();
  });
});
