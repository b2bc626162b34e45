import { describe, expect, it } from "vitest";
import { parseCommonFields, parseFormat, parseOptions, parseThink, parseTools } from "./ollama-request.js";

describe("parseThink (rule 41)", () => {
  it("maps levels to efforts, max to high, and leaves booleans to the model", () => {
    expect(parseThink("low")).toEqual({ think: "low", effort: "low" });
    expect(parseThink("medium")).toEqual({ think: "medium", effort: "medium" });
    expect(parseThink("high")).toEqual({ think: "high", effort: "high" });
    expect(parseThink("max")).toEqual({ think: "max", effort: "high" });
    expect(parseThink(true)).toEqual({ think: true });
    expect(parseThink(false)).toEqual({ think: false });
    expect(parseThink(undefined)).toEqual({});
    expect(parseThink(null)).toEqual({});
  });

  it("refuses anything else with Ollama's message", () => {
    for (const value of ["HIGH", "none", "", 1, {}]) {
      expect(() => parseThink(value)).toThrow(
        /^invalid think value: .* \(must be "high", "medium", "low", "max", true, or false\)$/,
      );
    }
  });
});

describe("parseOptions", () => {
  it("takes the parameters the backend contract carries and ignores the rest", () => {
    expect(
      parseOptions({
        temperature: 0,
        top_p: 1,
        seed: 3,
        num_predict: 10,
        stop: "\n\n",
        num_ctx: 65536,
        mirostat: 2,
      }),
    ).toEqual({ temperature: 0, topP: 1, seed: 3, maxTokens: 10, stop: ["\n\n"] });
  });

  it("reads num_predict -1, -2 and 0 as no limit, and seed -1 as no seed (Ollama's meanings)", () => {
    for (const n of [-1, -2, 0]) expect(parseOptions({ num_predict: n })).toEqual({});
    expect(parseOptions({ seed: -1 })).toEqual({});
  });

  it("refuses values of the wrong type", () => {
    expect(() => parseOptions([])).toThrow(/options must be an object/);
    expect(() => parseOptions({ top_p: Number.NaN })).toThrow(/options.top_p must be a number/);
    expect(() => parseOptions({ seed: "1" })).toThrow(/options.seed must be an integer/);
    expect(() => parseOptions({ stop: [1] })).toThrow(/options.stop must be an array of strings/);
  });
});

describe("parseFormat", () => {
  it('keeps "json" or a schema object; nothing for empty values', () => {
    expect(parseFormat("json")).toEqual({ format: "json" });
    const schema = { type: "object", properties: { age: { type: "integer" } } };
    expect(parseFormat(schema)).toEqual({ format: schema });
    expect(parseFormat("")).toEqual({});
    expect(parseFormat(null)).toEqual({});
    expect(() => parseFormat(["json"])).toThrow(/format must be "json" or a JSON Schema object/);
  });
});

describe("parseCommonFields", () => {
  it("detects keep_alive 0 in its spellings and nothing else", () => {
    for (const zero of [0, "0", "0s", "0m", "0.0h"]) {
      expect(parseCommonFields({ model: "m", keep_alive: zero }).keepAliveZero).toBe(true);
    }
    for (const other of [-1, "5m", "10", 300, undefined]) {
      expect(parseCommonFields({ model: "m", keep_alive: other }).keepAliveZero).toBe(false);
    }
  });
});

describe("parseTools", () => {
  it("reads Ollama's tool shape; a missing description is empty; bad names are a 400 naming the field", () => {
    expect(
      parseTools([
        {
          type: "function",
          function: { name: "get_weather", description: "Weather.", parameters: { type: "object" } },
        },
        { function: { name: "now" } },
      ]),
    ).toEqual([
      { name: "get_weather", description: "Weather.", parameters: { type: "object" } },
      { name: "now", description: "" },
    ]);
    expect(() => parseTools([{ type: "retrieval" }])).toThrow(/tools\[0\]\.type must be "function"/);
    expect(() => parseTools([{ function: { name: "a.b" } }])).toThrow(
      /tools\[0\]\.function\.name: "a\.b" is not a valid tool name/,
    );
    expect(() => parseTools([{ function: { name: "f", parameters: "x" } }])).toThrow(
      /expected a JSON Schema object/,
    );
  });
});
