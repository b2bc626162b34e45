import { describe, expect, it } from "vitest";
import { gatewayErrorOf } from "../../../../test/gateway/parts-fixtures.js";
import { parseChatRequest } from "./openai-chat-request.js";
import type { GatewayError } from "./protocol.js";

const weatherTool = {
  type: "function",
  function: {
    name: "weather",
    description: "Get weather information for a location",
    parameters: { properties: { location: { type: "string" } }, required: ["location"], type: "object" },
  },
};
const user = (content: string) => ({ role: "user", content });

/** The 400 a request with `body`'s fields gets. */
function refused(body: Record<string, unknown>): GatewayError {
  const error = gatewayErrorOf(() =>
    parseChatRequest({ model: "gpt-oss-20b", messages: [user("hi")], ...body }),
  );
  expect(error.status, JSON.stringify(body)).toBe(400);
  return error;
}

describe("request fields", () => {
  it("maps reasoning_effort and reasoning.effort to low, medium or high (rule 19; every word: generate-request.test.ts)", () => {
    const expected = { minimal: "low", medium: "medium", xhigh: "high" };
    for (const [value, effort] of Object.entries(expected)) {
      expect(parseChatRequest({ model: "m", messages: [user("x")], reasoning_effort: value }).effort).toBe(
        effort,
      );
      expect(
        parseChatRequest({ model: "m", messages: [user("x")], reasoning: { effort: value } }).effort,
      ).toBe(effort);
    }
    expect(refused({ reasoning_effort: "extreme" })).toMatchObject({ param: "reasoning_effort" });
    expect(refused({ reasoning_effort: "constructor" })).toMatchObject({ param: "reasoning_effort" });
    expect(refused({ reasoning: { effort: 3 } })).toMatchObject({ param: "reasoning.effort" });
    expect(refused({ reasoning: "high" })).toMatchObject({ param: "reasoning" });
  });

  it("lets max_completion_tokens win over max_tokens, and takes either alone (rule 13)", () => {
    const base = { model: "m", messages: [user("x")] };
    expect(parseChatRequest({ ...base, max_tokens: 100, max_completion_tokens: 300 }).maxTokens).toBe(300);
    expect(parseChatRequest({ ...base, max_tokens: 100 }).maxTokens).toBe(100);
    expect(parseChatRequest({ ...base, max_tokens: null }).maxTokens).toBeUndefined();
    expect(refused({ max_tokens: 0 })).toMatchObject({ param: "max_tokens" });
    expect(refused({ max_completion_tokens: 1.5 })).toMatchObject({ param: "max_completion_tokens" });
  });

  it("checks sampling, stop, stream and n", () => {
    const parsed = parseChatRequest({
      model: "m",
      messages: [user("x")],
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      stop: ["\n\n", ""],
      n: 1,
      parallel_tool_calls: false,
    });
    expect(parsed).toMatchObject({
      temperature: 0.2,
      topP: 0.9,
      seed: 7,
      stop: ["\n\n"],
      stream: false,
      parallelToolCalls: false,
    });
    expect(parseChatRequest({ model: "m", messages: [user("x")], stop: "END" }).stop).toEqual(["END"]);
    expect(refused({ temperature: 3 })).toMatchObject({ param: "temperature" });
    expect(refused({ temperature: "1" })).toMatchObject({ param: "temperature" });
    expect(refused({ top_p: 1.5 })).toMatchObject({ param: "top_p" });
    expect(refused({ seed: 1.5 })).toMatchObject({ param: "seed" });
    expect(refused({ stop: ["a", "b", "c", "d", "e"] })).toMatchObject({ param: "stop" });
    expect(refused({ stop: 3 })).toMatchObject({ param: "stop" });
    expect(refused({ stream: "yes" })).toMatchObject({ param: "stream" });
    const n = refused({ n: 2 });
    expect(n).toMatchObject({ param: "n" });
    expect(n.message).toContain("only n=1 is supported");
    const options = refused({ stream_options: { include_usage: true } });
    expect(options).toMatchObject({
      param: "stream_options",
      message: "stream_options can only be set when stream is true",
    });
    expect(refused({ model: "" })).toMatchObject({ param: "model" });
    expect(refused({ model: 3 })).toMatchObject({ param: "model" });
  });

  it("checks tools: function tools only, valid names, tools: [] is none", () => {
    expect(parseChatRequest({ model: "m", messages: [user("x")], tools: [] }).tools).toEqual([]);
    const bare = parseChatRequest({
      model: "m",
      messages: [user("x")],
      tools: [{ type: "function", function: { name: "now" } }],
    });
    expect(bare.tools).toEqual([{ name: "now", description: "" }]);
    const bad = refused({ tools: [{ type: "function", function: { name: "get weather" } }] });
    expect(bad).toMatchObject({ param: "tools[0].function.name" });
    expect(bad.message).toContain("not a valid tool name");
    expect(refused({ tools: [{ type: "function", function: { name: "f", parameters: [] } }] })).toMatchObject(
      {
        param: "tools[0].function.parameters",
      },
    );
    expect(refused({ tools: [{ type: "custom", custom: { name: "f" } }] }).message).toContain(
      "only function tools",
    );
    expect(refused({ tools: [weatherTool, weatherTool] })).toMatchObject({ param: "tools[1].function.name" });
    expect(refused({ tools: {} })).toMatchObject({ param: "tools" });
  });

  it("checks tool_choice against the tools", () => {
    const withTools = (tool_choice: unknown) =>
      parseChatRequest({ model: "m", messages: [user("x")], tools: [weatherTool], tool_choice }).toolChoice;
    expect(withTools("none")).toEqual({ mode: "none" });
    expect(withTools("required")).toEqual({ mode: "required" });
    expect(withTools({ type: "function", function: { name: "weather" } })).toEqual({
      mode: "required",
      only: ["weather"],
    });
    expect(
      withTools({
        type: "allowed_tools",
        allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "weather" } }] },
      }),
    ).toEqual({ mode: "auto", only: ["weather"] });
    expect(
      refused({ tools: [weatherTool], tool_choice: { type: "function", function: { name: "other" } } }),
    ).toMatchObject({
      param: "tool_choice.function.name",
    });
    expect(refused({ tool_choice: "required" })).toMatchObject({ param: "tool_choice" });
    expect(refused({ tools: [weatherTool], tool_choice: "sometimes" })).toMatchObject({
      param: "tool_choice",
    });
    expect(parseChatRequest({ model: "m", messages: [user("x")], tool_choice: "auto" }).toolChoice).toEqual({
      mode: "auto",
    });
  });

  it("checks response_format and keeps it", () => {
    const format = (response_format: unknown) =>
      parseChatRequest({ model: "m", messages: [user("x")], response_format }).responseFormat;
    expect(format({ type: "json_object" })).toEqual({ type: "json_object" });
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(format({ type: "json_schema", json_schema: { name: "answer", schema, strict: true } })).toEqual({
      type: "json_schema",
      name: "answer",
      schema,
      strict: true,
    });
    expect(refused({ response_format: { type: "json_schema" } })).toMatchObject({
      param: "response_format.json_schema",
    });
    expect(refused({ response_format: { type: "yaml" } })).toMatchObject({ param: "response_format.type" });
    expect(refused({ response_format: { type: "json_schema", json_schema: { schema } } })).toMatchObject({
      param: "response_format.json_schema.name",
    });
  });
});
