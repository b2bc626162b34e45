import type { Message } from "@overtone/harmony";
import { renderConversationText } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { gatewayErrorOf, servedModel } from "../../../../test/gateway/parts-fixtures.js";
import type { ResponsesItem } from "./responses-input.js";
import { parseResponsesRequest, responsesToGenerateRequest } from "./responses-request.js";

const model = servedModel({ upstreamModel: "openai/gpt-oss-20b", defaults: { effort: "medium" } });

const weatherTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

function generate(body: Record<string, unknown>, history?: ResponsesItem[]) {
  return responsesToGenerateRequest(parseResponsesRequest({ model: "gpt-oss-20b", ...body }), model, history);
}

const roles = (messages: readonly Message[]) =>
  messages.map((m) => `${m.author.role}${m.author.name ? `:${m.author.name}` : ""}/${m.channel ?? "-"}`);
const text = (m: Message | undefined) => (m?.content[0]?.type === "text" ? m.content[0].text : undefined);

/** The 400 a body gets. */
const refusal = (body: unknown) => gatewayErrorOf(() => parseResponsesRequest(body));

describe("parseResponsesRequest", () => {
  it("reads the requests of the recorded traffic (wire/021, 022, 042)", () => {
    const hello = parseResponsesRequest({
      input: "Reply with exactly one word: HELLO",
      model: "openai/gpt-oss-20b",
      store: true,
      stream: true,
    });
    expect(hello).toMatchObject({
      model: "openai/gpt-oss-20b",
      input: [{ type: "message", role: "user", text: "Reply with exactly one word: HELLO" }],
      stream: true,
      store: true,
      tools: [],
      toolChoice: "auto",
      parallelToolCalls: true,
      textFormat: { type: "text" },
    });
    const lmstudio = parseResponsesRequest({
      model: "openai/gpt-oss-20b",
      input: "Multiply it by 2",
      previous_response_id: "resp_123",
      reasoning: { effort: "low" },
    });
    expect(lmstudio).toMatchObject({
      previousResponseId: "resp_123",
      effort: "low",
      stream: false,
      store: true,
    });
    // wire/022 turn 2: a typed user message, vLLM's function_call item (status null), its output.
    const turn2 = parseResponsesRequest({
      model: "openai/gpt-oss-20b",
      input: [
        { type: "message", role: "user", content: "Use the file_search tool." },
        {
          arguments: '{"query":"Rust memory safety ownership"}',
          call_id: "call_8e217e84eeadc2fb",
          name: "file_search",
          type: "function_call",
          id: "fc_8e217e84eeadc2fb",
          status: null,
        },
        { type: "function_call_output", call_id: "call_8e217e84eeadc2fb", output: '{"results":[]}' },
      ],
      tools: [{ ...weatherTool, name: "file_search" }],
      tool_choice: "auto",
      stream: false,
    });
    expect(turn2.input).toEqual([
      { type: "message", role: "user", text: "Use the file_search tool." },
      {
        type: "function_call",
        callId: "call_8e217e84eeadc2fb",
        name: "file_search",
        arguments: '{"query":"Rust memory safety ownership"}',
      },
      { type: "function_call_output", callId: "call_8e217e84eeadc2fb", output: '{"results":[]}' },
    ]);
    expect(turn2.tools).toEqual([
      { name: "file_search", description: "Weather for a city.", parameters: weatherTool.parameters },
    ]);
  });

  it("maps every reasoning effort to Harmony's three levels (rule 19)", () => {
    const efforts = ["none", "minimal", "low", "medium", "high", "xhigh", "max"].map(
      (effort) => parseResponsesRequest({ model: "m", input: "x", reasoning: { effort } }).effort,
    );
    expect(efforts).toEqual(["low", "low", "low", "medium", "high", "high", "high"]);
    expect(
      parseResponsesRequest({ model: "m", input: "x", reasoning: { effort: null } }).effort,
    ).toBeUndefined();
    expect(refusal({ model: "m", input: "x", reasoning: { effort: "extreme" } }).param).toBe(
      "reasoning.effort",
    );
  });

  it("ignores unknown fields and reads null as not set (rule 20)", () => {
    const parsed = parseResponsesRequest({
      model: "m",
      input: "x",
      include: ["reasoning.encrypted_content"],
      truncation: "auto",
      background: false,
      top_k: 40,
      temperature: null,
      max_output_tokens: null,
      reasoning: { summary: "auto" },
    });
    expect(parsed.temperature).toBeUndefined();
    expect(parsed.maxOutputTokens).toBeUndefined();
  });

  it("refuses a wrong field with a 400 naming it", () => {
    const cases: [unknown, string | null][] = [
      [[1, 2], null],
      [{ input: "x" }, "model"],
      [{ model: "m" }, "input"],
      [{ model: "m", input: 3 }, "input"],
      [{ model: "m", input: [] }, "input"],
      [{ model: "m", input: "x", max_output_tokens: 0 }, "max_output_tokens"],
      [{ model: "m", input: "x", max_output_tokens: 1.5 }, "max_output_tokens"],
      [{ model: "m", input: "x", temperature: "hot" }, "temperature"],
      [{ model: "m", input: "x", top_p: 2 }, "top_p"],
      [{ model: "m", input: "x", stream: "yes" }, "stream"],
      [{ model: "m", input: "x", store: 1 }, "store"],
      [{ model: "m", input: "x", previous_response_id: 5 }, "previous_response_id"],
      [{ model: "m", input: "x", instructions: ["a"] }, "instructions"],
      [{ model: "m", input: "x", tools: {} }, "tools"],
      [{ model: "m", input: [{ role: "robot", content: "x" }] }, "input[0].role"],
      [{ model: "m", input: ["x"] }, "input[0]"],
      [
        { model: "m", input: [{ role: "user", content: [{ type: "input_image", image_url: "u" }] }] },
        "input[0].content[0].type",
      ],
      [
        { model: "m", input: [{ role: "user", content: [{ type: "input_text" }] }] },
        "input[0].content[0].text",
      ],
      [{ model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] }, "input[0].call_id"],
      [{ model: "m", input: [{ type: "function_call_output", call_id: "c", output: 7 }] }, "input[0].output"],
      [{ model: "m", input: [{ type: "web_search_call", id: "w" }] }, "input[0].type"],
      [{ model: "m", input: "x", text: { format: { type: "yaml" } } }, "text.format.type"],
      [{ model: "m", input: "x", text: { format: { type: "json_schema", schema: {} } } }, "text.format.name"],
      [
        { model: "m", input: "x", text: { format: { type: "json_schema", name: "n" } } },
        "text.format.schema",
      ],
      [{ model: "m", input: "x", tool_choice: "always" }, "tool_choice"],
      [
        { model: "m", input: "x", tools: [weatherTool], tool_choice: { type: "function", name: "other" } },
        "tool_choice.name",
      ],
      [{ model: "m", input: "x", tools: [{ ...weatherTool, name: "get weather" }] }, "tools[0].name"],
      [{ model: "m", input: "x", tools: [{ ...weatherTool, parameters: "{}" }] }, "tools[0].parameters"],
      [{ model: "m", input: "x", tools: [weatherTool, weatherTool] }, "tools[1].name"],
    ];
    for (const [body, param] of cases) {
      const got = refusal(body);
      expect(got.status, JSON.stringify(body)).toBe(400);
      expect(got.param, JSON.stringify(body)).toBe(param);
    }
  });

  it("refuses hosted tools and item references by name instead of dropping them", () => {
    expect(refusal({ model: "m", input: "x", tools: [{ type: "web_search_preview" }] })).toMatchObject({
      param: "tools[0].type",
      message: expect.stringContaining('"web_search_preview" tools are not supported'),
    });
    expect(refusal({ model: "m", input: [{ type: "item_reference", id: "msg_1" }] })).toMatchObject({
      param: "input[0].type",
      message: expect.stringContaining("item_reference items are not supported"),
    });
    // A Chat Completions tool sent to Responses: the message says why.
    const nested = refusal({
      model: "m",
      input: "x",
      tools: [{ type: "function", function: { name: "f" } }],
    });
    expect(nested).toMatchObject({ param: "tools[0].name", message: expect.stringContaining("flat") });
  });

  it("keeps tool_choice, parallel_tool_calls, text.format, metadata and store as sent", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    const parsed = parseResponsesRequest({
      model: "m",
      input: "x",
      tools: [weatherTool],
      tool_choice: { type: "function", name: "get_weather" },
      parallel_tool_calls: false,
      text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
      metadata: { session: "s1" },
      store: false,
    });
    expect(parsed).toMatchObject({
      toolChoice: { type: "function", name: "get_weather" },
      parallelToolCalls: false,
      textFormat: { type: "json_schema", name: "answer", schema, strict: true },
      metadata: { session: "s1" },
      store: false,
    });
    expect(
      parseResponsesRequest({ model: "m", input: "x", text: { format: { type: "json_object" } } }).textFormat,
    ).toEqual({ type: "json_object" });
  });

  it("reads reasoning items by their content, else their summary, and assistant preambles by phase", () => {
    const parsed = parseResponsesRequest({
      model: "m",
      input: [
        { type: "reasoning", id: "rs_1", summary: [], content: [{ type: "reasoning_text", text: "raw" }] },
        {
          type: "reasoning",
          id: "rs_2",
          summary: [{ type: "summary_text", text: "short" }],
          encrypted_content: "x",
        },
        {
          type: "message",
          role: "assistant",
          phase: "commentary",
          content: [{ type: "output_text", text: "pre" }],
        },
        {
          role: "assistant",
          content: [
            { type: "output_text", text: "a" },
            { type: "output_text", text: "b" },
          ],
        },
      ],
    });
    expect(parsed.input).toEqual([
      { type: "reasoning", text: "raw" },
      { type: "reasoning", text: "short" },
      { type: "message", role: "assistant", text: "pre", phase: "commentary" },
      { type: "message", role: "assistant", text: "a\nb" },
    ]);
  });
});

describe("responsesToGenerateRequest", () => {
  it("starts with a dated system message and passes effort, budget, sampling and the upstream model", () => {
    const signal = new AbortController().signal;
    const parsed = parseResponsesRequest({
      model: "gpt-oss-20b",
      input: "hi",
      max_output_tokens: 256,
      temperature: 0.5,
      top_p: 0.9,
      reasoning: { effort: "xhigh" },
    });
    const request = responsesToGenerateRequest(parsed, model, undefined, signal);
    expect(request).toMatchObject({
      model: "openai/gpt-oss-20b",
      effort: "high",
      maxTokens: 256,
      temperature: 0.5,
      topP: 0.9,
    });
    expect(request.signal).toBe(signal);
    const system = request.conversation.messages[0]?.content[0];
    expect(system).toMatchObject({
      type: "system_content",
      conversation_start_date: new Date().toISOString().slice(0, 10),
    });
    expect(roles(request.conversation.messages)).toEqual(["system/-", "user/-"]);
    // The model's defaults apply when the request does not say.
    expect(generate({ input: "hi" })).toMatchObject({ effort: "medium" });
    expect(generate({ input: "hi" }).maxTokens).toBeUndefined();
  });

  it("merges instructions, then system and developer input messages in order, into ONE developer message with the tools", () => {
    const request = generate({
      instructions: "Be brief.",
      input: [
        { role: "system", content: "You are a weather bot." },
        { role: "user", content: "Oslo?" },
        { role: "developer", content: [{ type: "input_text", text: "Answer in Celsius." }] },
      ],
      tools: [weatherTool],
    });
    const messages = request.conversation.messages;
    expect(roles(messages)).toEqual(["system/-", "developer/-", "user/-"]);
    expect(messages[1]?.content[0]).toEqual({
      type: "developer_content",
      instructions: "Be brief.\n\nYou are a weather bot.\n\nAnswer in Celsius.",
      tools: {
        functions: {
          name: "functions",
          tools: [
            { name: "get_weather", description: "Weather for a city.", parameters: weatherTool.parameters },
          ],
        },
      },
    });
    // tool_choice "none": the tools stay out of the prompt, so gpt-oss cannot call them.
    const none = generate({ input: "Oslo?", tools: [weatherTool], tool_choice: "none" });
    expect(roles(none.conversation.messages)).toEqual(["system/-", "user/-"]);
  });

  it("maps a tool round to Harmony: the call to functions.NAME, its output from functions.NAME found by call_id", () => {
    const request = generate({
      tools: [weatherTool],
      input: [
        { role: "user", content: "Weather in Oslo?" },
        { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "Need weather." }] },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' },
        { type: "function_call_output", call_id: "call_1", output: '{"temp":20}' },
      ],
    });
    const messages = request.conversation.messages.slice(2);
    expect(messages).toEqual([
      { author: { role: "user" }, content: [{ type: "text", text: "Weather in Oslo?" }] },
      {
        author: { role: "assistant" },
        channel: "analysis",
        content: [{ type: "text", text: "Need weather." }],
      },
      {
        author: { role: "assistant" },
        channel: "commentary",
        recipient: "functions.get_weather",
        content_type: "<|constrain|>json",
        content: [{ type: "text", text: '{"city":"Oslo"}' }],
      },
      {
        author: { role: "tool", name: "functions.get_weather" },
        recipient: "assistant",
        channel: "commentary",
        content: [{ type: "text", text: '{"temp":20}' }],
      },
    ]);
    const prompt = renderConversationText(request.conversation);
    expect(prompt).toContain(
      '<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json<|message|>{"city":"Oslo"}<|call|>',
    );
    expect(prompt).toContain(
      '<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>{"temp":20}<|end|>',
    );
  });

  it("refuses a function_call_output whose call_id no earlier call has (400 naming the item)", () => {
    const call = () =>
      generate({
        input: [
          { role: "user", content: "x" },
          { type: "function_call_output", call_id: "call_unknown", output: "{}" },
        ],
      });
    expect(gatewayErrorOf(call)).toMatchObject({
      status: 400,
      param: "input[1].call_id",
      message: expect.stringMatching(/no function_call with call_id "call_unknown"/),
    });
  });

  it("keeps reasoning only for the turn in progress: earlier turns' reasoning is dropped (as chat does)", () => {
    const request = generate({
      input: [
        { role: "user", content: "q1" },
        { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "old thought" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "a1" }] },
        { role: "user", content: "q2" },
        { type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "new thought" }] },
        {
          type: "message",
          role: "assistant",
          phase: "commentary",
          content: [{ type: "output_text", text: "Looking." }],
        },
        { type: "function_call", call_id: "c", name: "get_weather", arguments: "{}" },
        { type: "function_call_output", call_id: "c", output: "{}" },
      ],
    });
    const messages = request.conversation.messages.slice(1);
    expect(roles(messages)).toEqual([
      "user/-",
      "assistant/final",
      "user/-",
      "assistant/analysis",
      "assistant/commentary",
      "assistant/commentary",
      "tool:functions.get_weather/commentary",
    ]);
    expect(text(messages[3])).toBe("new thought");
  });

  it("keeps special-token strings in user text as text (the renderer encodes them as ordinary text)", () => {
    const request = generate({ input: "What does <|start|> mean?" });
    expect(text(request.conversation.messages[1])).toBe("What does <|start|> mean?");
  });

  it("continues a stored history: its items come first, and their call ids answer the new outputs", () => {
    const history: ResponsesItem[] = [
      { type: "message", role: "user", text: "Weather in Oslo?" },
      { type: "reasoning", text: "Need weather." },
      { type: "function_call", callId: "call_9", name: "get_weather", arguments: '{"city":"Oslo"}' },
    ];
    const request = generate(
      {
        previous_response_id: "resp_1",
        input: [{ type: "function_call_output", call_id: "call_9", output: "20C" }],
      },
      history,
    );
    expect(roles(request.conversation.messages)).toEqual([
      "system/-",
      "user/-",
      "assistant/analysis",
      "assistant/commentary",
      "tool:functions.get_weather/commentary",
    ]);
  });

  it("never ignores a previous_response_id it was given no history for (rule 36)", () => {
    expect(() => generate({ previous_response_id: "resp_gone", input: "and now?" })).toThrow(
      expect.objectContaining({
        status: 404,
        code: "previous_response_not_found",
        param: "previous_response_id",
      }),
    );
  });
});
