import { describe, expect, it } from "vitest";
import { gatewayErrorOf, servedModel } from "../../../../test/gateway/parts-fixtures.js";
import {
  conversationHead,
  effortOf,
  effortWord,
  functionTool,
  generateSettings,
} from "./generate-request.js";
import { GatewayError } from "./protocol.js";

const MODEL = servedModel({ name: "m" });

describe("effortWord and effortOf (rule 19)", () => {
  it("maps OpenAI's effort words onto low, medium and high", () => {
    const words = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];
    expect(words.map(effortWord)).toEqual(["low", "low", "low", "medium", "high", "high", "high"]);
    expect(["HIGH", "constructor", "", 1, true].map(effortWord)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("reads absent and null as not set, and refuses anything else with a 400 naming the field", () => {
    expect(effortOf(undefined, "reasoning_effort")).toBeUndefined();
    expect(effortOf(null, "reasoning_effort")).toBeUndefined();
    expect(effortOf("xhigh", "reasoning_effort")).toBe("high");
    expect(() => effortOf("extreme", "reasoning.effort")).toThrow(GatewayError);
    expect(() => effortOf("extreme", "reasoning.effort")).toThrow(
      "reasoning.effort must be one of: none, minimal, low, medium, high, xhigh, max",
    );
  });
});

describe("functionTool", () => {
  it("takes a declared tool's name, description and parameters; no description is an empty one", () => {
    expect(functionTool({ name: "f", parameters: { type: "object" } }, "tools[0].function")).toEqual({
      name: "f",
      description: "",
      parameters: { type: "object" },
    });
    expect(functionTool({ name: "f", description: "F.", parameters: null }, "tools[0]")).toEqual({
      name: "f",
      description: "F.",
    });
  });

  it("refuses each wrong field with a 400 naming it, and the fix when there is one", () => {
    const refused = (fields: Record<string, unknown>) =>
      gatewayErrorOf(() => functionTool(fields, "tools[1]"));
    expect(refused({ name: 1 })).toMatchObject({ status: 400, param: "tools[1].name" });
    expect(refused({ name: "f", description: 2 })).toMatchObject({ param: "tools[1].description" });
    expect(refused({ name: "get weather" })).toMatchObject({
      param: "tools[1].name",
      message: expect.stringMatching(/is not a valid tool name \(use letters, digits and _/),
    });
    expect(refused({ name: "f", parameters: "{}" })).toMatchObject({ param: "tools[1].parameters" });
  });
});

describe("conversationHead", () => {
  it("opens with the system message (with the date) and one developer message only when needed", () => {
    const now = new Date("2026-02-03T23:59:00Z");
    const plain = conversationHead([], [], now);
    expect(plain).toHaveLength(1);
    expect(plain[0]?.content[0]).toMatchObject({
      type: "system_content",
      conversation_start_date: "2026-02-03",
    });
    const full = conversationHead(["A", "B"], [{ name: "f", description: "" }], now);
    expect(full).toHaveLength(2);
    expect(full[1]?.content[0]).toMatchObject({
      type: "developer_content",
      instructions: "A\n\nB",
      tools: { functions: { name: "functions", tools: [{ name: "f", description: "" }] } },
    });
    expect(conversationHead([], [{ name: "f", description: "" }], now)[1]?.content[0]).not.toHaveProperty(
      "instructions",
    );
  });
});

describe("generateSettings", () => {
  it("leaves out what neither the request nor the model's defaults say", () => {
    expect(generateSettings({}, MODEL)).toEqual({});
  });

  it("takes the request's settings over the model's defaults, and passes the upstream name and signal", () => {
    const signal = new AbortController().signal;
    const model = {
      ...MODEL,
      upstreamModel: "gpt-oss:20b",
      defaults: { effort: "low" as const, temperature: 1, topP: 1, maxTokens: 2048 },
    };
    expect(generateSettings({ effort: "high", maxTokens: 64, seed: 3 }, model, signal)).toEqual({
      model: "gpt-oss:20b",
      effort: "high",
      maxTokens: 64,
      temperature: 1,
      topP: 1,
      seed: 3,
      signal,
    });
  });
});
