import { renderConversationForCompletionText } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { gatewayErrorOf, servedModel } from "../../../../test/gateway/parts-fixtures.js";
import { ollamaChatToGenerateRequest, parseOllamaChatRequest } from "./ollama-chat.js";
import type { ServedModel } from "./protocol.js";

const MODEL = servedModel({ name: "gpt-oss:20b", upstreamModel: "gpt-oss:20b-upstream" });
const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "weather",
    description: "Get weather information for a location",
    parameters: {
      type: "object",
      properties: { location: { type: "string", description: "the city" } },
      required: ["location"],
    },
  },
};

function rendered(body: unknown, model = MODEL): string {
  const request = ollamaChatToGenerateRequest(parseOllamaChatRequest(body), model);
  return renderConversationForCompletionText(request.conversation, "assistant");
}

const badRequestOf = (body: unknown) => gatewayErrorOf(() => parseOllamaChatRequest(body));

describe("parseOllamaChatRequest", () => {
  it("reads an ollama-js request (stream always explicit, think as a level, options)", () => {
    const parsed = parseOllamaChatRequest({
      model: "gpt-oss:20b",
      messages: [{ role: "user", content: "Hi" }],
      stream: false,
      think: "high",
      format: "json",
      keep_alive: "5m",
      options: {
        temperature: 0.5,
        top_p: 0.9,
        seed: 42,
        num_predict: 256,
        num_ctx: 8192,
        top_k: 40,
        stop: ["END"],
      },
    });
    expect(parsed).toMatchObject({
      model: "gpt-oss:20b",
      stream: false,
      think: "high",
      effort: "high",
      temperature: 0.5,
      topP: 0.9,
      seed: 42,
      maxTokens: 256,
      stop: ["END"],
      format: "json",
      keepAliveZero: false,
    });
    expect(parsed.loadOnly).toBeUndefined();
  });

  it("streams when `stream` is absent (rule 37)", () => {
    expect(parseOllamaChatRequest({ model: "m", messages: [{ role: "user", content: "x" }] }).stream).toBe(
      true,
    );
  });

  it("takes LangChain ChatOllama's boolean think and leaves the effort to the model (rule 41, §6 item 13)", () => {
    for (const think of [true, false]) {
      const parsed = parseOllamaChatRequest({ model: "m", messages: [], think, stream: true });
      expect(parsed.think).toBe(think);
      expect(parsed.effort).toBeUndefined();
      const request = ollamaChatToGenerateRequest(parsed, { ...MODEL, defaults: { effort: "low" } });
      expect(request.effort).toBe("low");
    }
  });

  it("refuses a think value Ollama refuses, with its message (rule 41)", () => {
    const error = badRequestOf({ model: "m", messages: [], think: "extreme" });
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)',
    );
  });

  it("ignores fields it does not know (rule 20)", () => {
    const parsed = parseOllamaChatRequest({
      model: "m",
      messages: [{ role: "user", content: "x", extra: 1 }],
      max_tokens: 4000,
      logprobs: true,
      truncate: false,
      shift: true,
      _debug_render_only: false,
    });
    expect(parsed.maxTokens).toBeUndefined();
  });

  it("says what is wrong, with the field, for bad input", () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [[1], "", /JSON object/],
      [{ messages: [] }, "model", /model is required/],
      [{ model: "m", stream: "yes" }, "stream", /true or false/],
      [{ model: "m", messages: {} }, "messages", /array/],
      [{ model: "m", messages: [{ role: "robot", content: "x" }] }, "messages[0].role", /"robot"/],
      [{ model: "m", messages: [{ role: "user", content: ["x"] }] }, "messages[0].content", /string/],
      [
        { model: "m", messages: [{ role: "user", content: "x", images: ["aGk="] }] },
        "messages[0].images",
        /text only/,
      ],
      [
        { model: "m", tools: [{ type: "function", function: { name: "get weather" } }] },
        "tools[0].function.name",
        /not a valid tool name/,
      ],
      [
        {
          model: "m",
          messages: [
            { role: "assistant", content: "", tool_calls: [{ function: { name: "f", arguments: "[1]" } }] },
          ],
        },
        "messages[0].tool_calls[0].function.arguments",
        /JSON object/,
      ],
      [
        { model: "m", messages: [{ role: "tool", content: "40 C" }] },
        "messages[0].tool_name",
        /no earlier assistant tool call/,
      ],
    ];
    for (const [body, param, message] of cases) {
      const error = badRequestOf(body);
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
      if (param !== "") expect(error.param).toBe(param);
    }
  });

  it("treats a request without messages as Ollama's load (or, with keep_alive 0, unload) request", () => {
    expect(parseOllamaChatRequest({ model: "m" }).loadOnly).toBe("load");
    expect(parseOllamaChatRequest({ model: "m", messages: [], keep_alive: 0 }).loadOnly).toBe("unload");
    expect(parseOllamaChatRequest({ model: "m", messages: [], keep_alive: "0s" }).loadOnly).toBe("unload");
    expect(
      parseOllamaChatRequest({ model: "m", messages: [{ role: "user", content: "" }] }).loadOnly,
    ).toBeUndefined();
  });
});

describe("ollamaChatToGenerateRequest", () => {
  it("renders wire/003's second turn: one developer message, the preamble, the call and its result", () => {
    const text = rendered({
      model: "gpt-oss:20b-cloud",
      stream: true,
      messages: [
        { content: "You are a helpful assistant", role: "system" },
        { content: "What's the weather in Florence,Italy?", role: "user" },
        {
          content: 'We need to call weather function with location "Florence, Italy".',
          role: "assistant",
          tool_calls: [
            {
              function: { arguments: { location: "Florence, Italy" }, name: "weather" },
              id: "0",
              type: "function",
            },
          ],
        },
        { content: "40 C", role: "tool", tool_call_id: "0", tool_name: "weather" },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(text).toMatch(
      /^<\|start\|>system<\|message\|>You are ChatGPT.*\nCurrent date: \d{4}-\d\d-\d\d\n/s,
    );
    expect(text.match(/<\|start\|>developer/g)).toHaveLength(1);
    expect(text).toContain("# Instructions\n\nYou are a helpful assistant\n\n# Tools");
    expect(text).toContain("type weather = (_: {");
    expect(text).toContain(
      "<|start|>user<|message|>What's the weather in Florence,Italy?<|end|>" +
        '<|start|>assistant<|channel|>commentary<|message|>We need to call weather function with location "Florence, Italy".<|end|>' +
        '<|start|>assistant to=functions.weather<|channel|>commentary <|constrain|>json<|message|>{"location":"Florence, Italy"}<|call|>' +
        "<|start|>functions.weather to=assistant<|channel|>commentary<|message|>40 C<|end|><|start|>assistant",
    );
  });

  it("renders thinking on a tool-call turn as analysis before the call (rule 17)", () => {
    const text = rendered({
      model: "m",
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: "",
          thinking: "Need the weather tool.",
          tool_calls: [{ function: { name: "weather", arguments: { location: "Rome" } } }],
        },
        { role: "tool", tool_name: "weather", content: "20 C" },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(text).toContain(
      "<|start|>assistant<|channel|>analysis<|message|>Need the weather tool.<|end|>" +
        '<|start|>assistant to=functions.weather<|channel|>commentary <|constrain|>json<|message|>{"location":"Rome"}<|call|>',
    );
  });

  it("answers ChatOllama's unnamed tool results in call order", () => {
    // ChatOllama sends tool calls with ids and type, and tool results with neither tool_name nor tool_call_id.
    const text = rendered({
      model: "m",
      stream: true,
      think: true,
      messages: [
        { role: "user", content: "Weather and time in Rome?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "a1", type: "function", function: { name: "weather", arguments: { location: "Rome" } } },
            { id: "b2", type: "function", function: { name: "clock", arguments: { city: "Rome" } } },
          ],
        },
        { role: "tool", content: "20 C" },
        { role: "tool", content: "12:00" },
      ],
    });
    expect(text).toContain(
      "<|start|>functions.weather to=assistant<|channel|>commentary<|message|>20 C<|end|>",
    );
    expect(text).toContain(
      "<|start|>functions.clock to=assistant<|channel|>commentary<|message|>12:00<|end|>",
    );
  });

  it("merges every system message into the one developer message, in order", () => {
    const text = rendered({
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "system", content: "Answer in French." },
      ],
    });
    expect(text.match(/<\|start\|>developer/g)).toHaveLength(1);
    expect(text).toContain("# Instructions\n\nBe brief.\n\nAnswer in French.<|end|>");
  });

  it("keeps special-token strings in user text as text", () => {
    const request = ollamaChatToGenerateRequest(
      parseOllamaChatRequest({
        model: "m",
        messages: [{ role: "user", content: "say <|start|> literally" }],
      }),
      MODEL,
    );
    expect(request.conversation.messages.at(-1)?.content).toEqual([
      { type: "text", text: "say <|start|> literally" },
    ]);
  });

  it("passes the upstream model, the sampling, the budget and the signal; the model's defaults fill the gaps", () => {
    const signal = new AbortController().signal;
    const model: ServedModel = {
      ...MODEL,
      defaults: { effort: "low", temperature: 1, topP: 1, maxTokens: 2048 },
    };
    const own = ollamaChatToGenerateRequest(
      parseOllamaChatRequest({
        model: "m",
        messages: [{ role: "user", content: "x" }],
        think: "max",
        options: { temperature: 0.2, top_p: 0.5, seed: 7, num_predict: 100 },
      }),
      model,
      signal,
    );
    expect(own).toMatchObject({
      model: "gpt-oss:20b-upstream",
      effort: "high",
      temperature: 0.2,
      topP: 0.5,
      seed: 7,
      maxTokens: 100,
    });
    expect(own.signal).toBe(signal);
    const defaults = ollamaChatToGenerateRequest(
      parseOllamaChatRequest({
        model: "m",
        messages: [{ role: "user", content: "x" }],
        options: { num_predict: -1, seed: -1 },
      }),
      model,
    );
    expect(defaults).toMatchObject({ effort: "low", temperature: 1, topP: 1, maxTokens: 2048 });
    expect(defaults.seed).toBeUndefined();
  });
});
