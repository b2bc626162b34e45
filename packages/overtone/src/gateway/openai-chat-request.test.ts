import {
  developerContent,
  developerMessage,
  message,
  renderConversationForCompletionText,
  systemContent,
  systemMessage,
  toolResult,
  withFunctionTools,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { servedModel } from "../../../../test/gateway/parts-fixtures.js";
import { chatToGenerateRequest, parseChatRequest } from "./openai-chat-request.js";
import { GatewayError, type ServedModel } from "./protocol.js";

const served = servedModel({ upstreamModel: "gpt-oss:20b", defaults: { effort: "medium", temperature: 1 } });
const today = new Date().toISOString().slice(0, 10);
const weatherTool = {
  type: "function",
  function: {
    name: "weather",
    strict: false,
    description: "Get weather information for a location",
    parameters: {
      properties: { location: { description: "the city", type: "string" } },
      required: ["location"],
      type: "object",
    },
  },
};
const user = (content: string) => ({ role: "user", content });

describe("parseChatRequest", () => {
  it("reads an openai-node request with developer and system messages into one developer block (rule 18)", () => {
    const parsed = parseChatRequest({
      model: "gpt-oss-20b",
      messages: [
        { role: "developer", content: "Talk like a pirate." },
        { role: "system", content: "Keep it short." },
        { role: "user", content: "Are semicolons optional in JavaScript?" },
      ],
      reasoning_effort: "high",
      max_completion_tokens: 512,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parsed).toMatchObject({ effort: "high", maxTokens: 512, stream: true, includeUsage: true });
    const request = chatToGenerateRequest(parsed, served);
    const prompt = renderConversationForCompletionText(request.conversation, "assistant");
    expect(prompt.match(/<\|start\|>developer/g)).toHaveLength(1);
    expect(prompt).toContain("# Instructions\n\nTalk like a pirate.\n\nKeep it short.<|end|>");
    expect(prompt).toContain(`Current date: ${today}`);
    expect(prompt).toContain("Reasoning: high");
  });

  it("replays llama-server's recorded tool loop (wire/032 turn 2) into the Harmony the model was trained on", () => {
    const reasoning =
      'The user asks: "What\'s the weather in Florence, Italy?" We have a tool "functions.weather" that can get weather information. We should call it.';
    const parsed = parseChatRequest({
      messages: [
        { content: "You are a helpful assistant", role: "system" },
        { content: "What's the weather in Florence,Italy?", role: "user" },
        {
          tool_calls: [
            {
              id: "mvVq65j66dyGRizURhbdNCEnSO56GhXx",
              function: { arguments: '{"location":"Florence,Italy"}', name: "weather" },
              type: "function",
            },
          ],
          role: "assistant",
          reasoning_content: reasoning,
        },
        { content: "40 C", tool_call_id: "mvVq65j66dyGRizURhbdNCEnSO56GhXx", role: "tool" },
      ],
      model: "openai/gpt-oss-20b",
      max_completion_tokens: 4000,
      tool_choice: "auto",
      tools: [weatherTool],
    });
    const request = chatToGenerateRequest(parsed, served);
    const tool = {
      name: "weather",
      description: weatherTool.function.description,
      parameters: weatherTool.function.parameters,
    };
    expect(request.conversation.messages).toEqual([
      systemMessage(systemContent({ conversation_start_date: today, reasoning_effort: "Medium" })),
      developerMessage(
        withFunctionTools(developerContent({ instructions: "You are a helpful assistant" }), [tool]),
      ),
      message("user", "What's the weather in Florence,Italy?"),
      message("assistant", reasoning, { channel: "analysis" }),
      message("assistant", '{"location":"Florence,Italy"}', {
        channel: "commentary",
        recipient: "functions.weather",
        content_type: "<|constrain|>json",
      }),
      toolResult("functions.weather", "40 C"),
    ]);
    expect(request).toMatchObject({
      model: "gpt-oss:20b",
      effort: "medium",
      maxTokens: 4000,
      temperature: 1,
    });
    const prompt = renderConversationForCompletionText(request.conversation, "assistant");
    expect(prompt).toContain(`<|channel|>analysis<|message|>${reasoning}<|end|>`);
    expect(prompt).toContain(
      "<|start|>functions.weather to=assistant<|channel|>commentary<|message|>40 C<|end|>",
    );
  });

  it("reads an AI SDK streaming request (string content, empty content next to calls, usage asked for)", () => {
    const parsed = parseChatRequest({
      model: "gpt-oss-20b",
      messages: [
        user("Weather in Oslo?"),
        {
          role: "assistant",
          content: "",
          reasoning_content: "Call weather.",
          tool_calls: [
            {
              id: "call_x",
              type: "function",
              function: { name: "weather", arguments: '{"location":"Oslo"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_x", content: '{"temp":12}' },
      ],
      tools: [weatherTool],
      tool_choice: "auto",
      reasoning_effort: "low",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parsed.messages.map((m) => m.channel ?? m.author.role)).toEqual([
      "user",
      "analysis",
      "commentary",
      "commentary",
    ]);
    expect(parsed).toMatchObject({
      effort: "low",
      stream: true,
      includeUsage: true,
      toolChoice: { mode: "auto" },
    });
  });

  it("ignores fields it does not use (rule 20)", () => {
    const parsed = parseChatRequest({
      model: "m",
      messages: [user("x")],
      top_k: 40,
      min_p: 0.05,
      chat_template_kwargs: { reasoning_effort: "high" },
      think: true,
      include_reasoning: true,
      user: "u1",
      metadata: { a: "b" },
      logprobs: true,
      presence_penalty: 0.5,
      prompt_cache_key: "k",
    });
    expect(parsed.messages).toEqual([message("user", "x")]);
  });

  it("refuses a body that is not an object", () => {
    expect(() => parseChatRequest([])).toThrow(GatewayError);
    expect(() => parseChatRequest(null)).toThrow("JSON object");
  });
});

describe("chatToGenerateRequest", () => {
  const parse = (body: Record<string, unknown>) =>
    parseChatRequest({ model: "gpt-oss-20b", messages: [user("x")], tools: [weatherTool], ...body });
  const developer = (body: Record<string, unknown>) =>
    chatToGenerateRequest(parse(body), served).conversation.messages.find(
      (m) => m.author.role === "developer",
    );

  it("offers no tools for tool_choice none, and no developer message when nothing is left for it", () => {
    expect(developer({ tool_choice: "none" })).toBeUndefined();
    expect(developer({})).toEqual(developerMessage(withFunctionTools(developerContent(), parse({}).tools)));
  });

  it("adds one instruction line when a call is required, naming the tool when one is named", () => {
    const now = { type: "function", function: { name: "now" } };
    const required = developer({
      tool_choice: "required",
      tools: [weatherTool, now],
      messages: [{ role: "system", content: "Be brief." }, user("x")],
    });
    expect(required?.content[0]).toMatchObject({
      instructions:
        "Be brief.\n\nRespond by calling one of the tools in the functions namespace; do not answer without a tool call.",
    });
    const named = developer({
      tools: [weatherTool, now],
      tool_choice: { type: "function", function: { name: "now" } },
    });
    expect(named?.content[0]).toMatchObject({
      instructions: "Respond by calling the tool functions.now; do not answer without calling it.",
      tools: { functions: { name: "functions", tools: [{ name: "now", description: "" }] } },
    });
    expect(developer({ tool_choice: "required" })?.content[0]).toMatchObject({
      instructions: "Respond by calling the tool functions.weather; do not answer without calling it.",
    });
  });

  it("applies the model's defaults only where the request is silent, and passes the signal", () => {
    const signal = new AbortController().signal;
    const model: ServedModel = {
      ...served,
      upstreamModel: undefined,
      defaults: { maxTokens: 2048, topP: 0.5 },
    };
    const plain = chatToGenerateRequest(parse({}), model, signal);
    expect(plain).toMatchObject({ maxTokens: 2048, topP: 0.5, signal });
    expect(plain).not.toHaveProperty("model");
    expect(plain).not.toHaveProperty("effort");
    expect(plain.conversation.messages[0]).toEqual(
      systemMessage(systemContent({ conversation_start_date: today })),
    );
    const own = chatToGenerateRequest(
      parse({ max_tokens: 10, top_p: 1, seed: 3, reasoning_effort: "max" }),
      model,
    );
    expect(own).toMatchObject({ maxTokens: 10, topP: 1, seed: 3, effort: "high" });
    expect(own.conversation.messages[0]?.content[0]).toMatchObject({ reasoning_effort: "High" });
  });
});
