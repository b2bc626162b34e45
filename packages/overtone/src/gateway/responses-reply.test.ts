import { type Part, renderConversationText } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { finish, modelMessage, partsOf, servedModel } from "../../../../test/gateway/parts-fixtures.js";
import { GatewayError } from "./protocol.js";
import { responsesBody } from "./responses-reply.js";
import { parseResponsesRequest, responsesToGenerateRequest } from "./responses-request.js";

const meta = { id: "resp_9fd", created: 1755000000, model: "gpt-oss-20b" };
const model = servedModel();
const weatherTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city.",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

const usage = { inputTokens: 75, outputTokens: 38, reasoningTokens: 27, cachedInputTokens: 64 };

describe("responsesBody", () => {
  it("builds the §2.2 response object: reasoning item, function call item, usage", async () => {
    const parsed = parseResponsesRequest({
      model: "gpt-oss-20b",
      input: "Weather in Oslo?",
      tools: [weatherTool],
    });
    const { response } = await responsesBody(
      partsOf([
        ...modelMessage("analysis", "a", ["Need ", "weather."]),
        ...modelMessage("tool-call", "c", ['{"city":"Oslo"}']),
        finish("tool-calls", usage),
      ]),
      meta,
      parsed,
    );
    expect(response).toEqual({
      id: "resp_9fd",
      object: "response",
      created_at: 1755000000,
      status: "completed",
      model: "gpt-oss-20b",
      output: [
        {
          type: "reasoning",
          id: expect.stringMatching(/^rs_[0-9a-f]{32}$/),
          summary: [],
          content: [{ type: "reasoning_text", text: "Need weather." }],
          status: "completed",
        },
        {
          type: "function_call",
          id: expect.stringMatching(/^fc_[0-9a-f]{32}$/),
          call_id: expect.stringMatching(/^call_[0-9a-f]{32}$/),
          name: "get_weather",
          arguments: '{"city":"Oslo"}',
          status: "completed",
        },
      ],
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      text: { format: { type: "text" } },
      tools: [
        {
          type: "function",
          name: "get_weather",
          description: "Weather for a city.",
          parameters: weatherTool.parameters,
          strict: null,
        },
      ],
      tool_choice: "auto",
      parallel_tool_calls: true,
      temperature: null,
      top_p: null,
      truncation: "disabled",
      metadata: {},
      usage: {
        input_tokens: 75,
        input_tokens_details: { cached_tokens: 64 },
        output_tokens: 38,
        output_tokens_details: { reasoning_tokens: 27 },
        total_tokens: 113,
      },
    });
  });

  it("echoes what the request set", async () => {
    const parsed = parseResponsesRequest({
      model: "gpt-oss-20b",
      input: "x",
      instructions: "Be brief.",
      temperature: 0.7,
      top_p: 0.9,
      max_output_tokens: 100,
      reasoning: { effort: "minimal" },
      metadata: { k: "v" },
      tool_choice: "required",
      parallel_tool_calls: false,
      previous_response_id: "resp_0",
      store: false,
      text: { format: { type: "json_object" } },
    });
    const { response } = await responsesBody(partsOf([finish("stop")]), meta, parsed);
    expect(response).toMatchObject({
      instructions: "Be brief.",
      temperature: 0.7,
      top_p: 0.9,
      max_output_tokens: 100,
      reasoning: { effort: "minimal" },
      metadata: { k: "v" },
      tool_choice: "required",
      parallel_tool_calls: false,
      previous_response_id: "resp_0",
      store: false,
      text: { format: { type: "json_object" } },
      output: [],
      usage: null,
    });
  });

  it("says incomplete with reason max_output_tokens when the budget ran out (rule 34), the cut item incomplete", async () => {
    const parsed = parseResponsesRequest({ model: "m", input: "x", max_output_tokens: 5 });
    const { response } = await responsesBody(
      partsOf([...modelMessage("analysis", "a", ["Let me"], { terminator: "eos" }), finish("length", usage)]),
      meta,
      parsed,
    );
    expect(response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      error: null,
      output: [{ type: "reasoning", status: "incomplete", content: [{ text: "Let me" }] }],
    });
  });

  it("says failed for a finish with reason error or aborted", async () => {
    const parsed = parseResponsesRequest({ model: "m", input: "x" });
    const failed = await responsesBody(
      partsOf([{ type: "finish", reason: "error", notice: "broken" }]),
      meta,
      parsed,
    );
    expect(failed.response).toMatchObject({
      status: "failed",
      error: { code: "server_error", message: "broken" },
    });
    const aborted = await responsesBody(partsOf([finish("aborted")]), meta, parsed);
    expect(aborted.response).toMatchObject({ status: "failed", error: { code: "server_error" } });
  });

  it("throws an error part as a 502 upstream_error, keeping its message; a GatewayError as it is", async () => {
    const parsed = parseResponsesRequest({ model: "m", input: "x" });
    const error: Part = { type: "error", error: new Error("connection refused") };
    await expect(
      responsesBody(partsOf([...modelMessage("analysis", "a", ["x"]), error]), meta, parsed),
    ).rejects.toMatchObject({
      name: "GatewayError",
      status: 502,
      code: "upstream_error",
      type: "server_error",
      message: "connection refused",
    });
    const busy = new GatewayError(429, "busy", { retryAfterSeconds: 2 });
    await expect(responsesBody(partsOf([{ type: "error", error: busy }]), meta, parsed)).rejects.toBe(busy);
    await expect(
      responsesBody(partsOf(modelMessage("final", "f", ["x"])), meta, parsed),
    ).rejects.toMatchObject({
      status: 502,
    });
  });

  it("gives a preamble as a commentary-phase message and strips Harmony tokens from every text (rule 15)", async () => {
    const parsed = parseResponsesRequest({ model: "m", input: "x" });
    const { response } = await responsesBody(
      partsOf([
        ...modelMessage("commentary", "p", ["Checking<|end|>"]),
        ...modelMessage("final", "f", ["It is <|start|>", "20C"], { terminator: "return" }),
        finish("stop"),
      ]),
      meta,
      parsed,
    );
    expect(response.output).toMatchObject([
      {
        type: "message",
        phase: "commentary",
        content: [{ type: "output_text", text: "Checking", annotations: [] }],
      },
      { type: "message", content: [{ type: "output_text", text: "It is 20C" }] },
    ]);
    expect((response.output as object[])[1]).not.toHaveProperty("phase");
  });
});

describe("a two-turn tool loop through the Responses API (rule 35)", () => {
  it("takes the first reply's output items, sent back as input, to the same Harmony a backend would have produced", async () => {
    const first = parseResponsesRequest({
      model: "gpt-oss-20b",
      input: "Weather in Oslo?",
      tools: [weatherTool],
    });
    const reply = await responsesBody(
      partsOf([
        ...modelMessage("analysis", "a", ["Need weather."]),
        ...modelMessage("commentary", "p", ["Let me check."]),
        ...modelMessage("tool-call", "c", ['{"city":"Oslo"}']),
        finish("tool-calls", usage),
      ]),
      meta,
      first,
    );
    // What the client sends next: the conversation so far, the output items as they came over the wire, the result.
    const output = JSON.parse(JSON.stringify(reply.response.output)) as { type: string; call_id?: string }[];
    const callId = output.find((item) => item.type === "function_call")?.call_id;
    const second = parseResponsesRequest({
      model: "gpt-oss-20b",
      tools: [weatherTool],
      input: [
        { role: "user", content: "Weather in Oslo?" },
        ...output,
        { type: "function_call_output", call_id: callId, output: '{"temp":20}' },
      ],
    });
    const request = responsesToGenerateRequest(second, model, undefined);
    const prompt = renderConversationText(request.conversation);
    expect(prompt).toContain(
      "<|start|>user<|message|>Weather in Oslo?<|end|>" +
        "<|start|>assistant<|channel|>analysis<|message|>Need weather.<|end|>" +
        "<|start|>assistant<|channel|>commentary<|message|>Let me check.<|end|>" +
        '<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json<|message|>{"city":"Oslo"}<|call|>' +
        '<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>{"temp":20}<|end|>',
    );
    const answer = await responsesBody(
      partsOf([
        ...modelMessage("analysis", "b", ["It is 20."]),
        ...modelMessage("final", "f", ["20C in Oslo."], { terminator: "return" }),
        finish("stop"),
      ]),
      { ...meta, id: "resp_2" },
      second,
    );
    expect(answer.response).toMatchObject({
      status: "completed",
      output: [{ type: "reasoning" }, { type: "message" }],
    });
    // The stored items are the whole conversation: input (with the first turn) and the answer.
    expect(answer.items.map((item) => item.type)).toEqual([
      "message",
      "reasoning",
      "message",
      "function_call",
      "function_call_output",
      "reasoning",
      "message",
    ]);
  });
});
