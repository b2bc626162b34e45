import { InputError } from "@overtone/errors";
import {
  conversation,
  developerContent,
  developerMessage,
  message,
  renderConversationText,
  systemContent,
  systemMessage,
  withFunctionTools,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { chatCompletionBody, chatMessages } from "./chat-request.js";
import { completionBody } from "./raw-completion.js";

const analysis = (text: string) => message("assistant", text, { channel: "analysis" });
const preamble = (text: string) => message("assistant", text, { channel: "commentary" });
const call = (name: string, args: string) =>
  message("assistant", args, {
    channel: "commentary",
    recipient: `functions.${name}`,
    content_type: "<|constrain|>json",
  });
const result = (name: string, text: string) =>
  message("tool", text, { name: `functions.${name}`, channel: "commentary" });

describe("chatMessages", () => {
  it("carries analysis in the reasoning field of the next assistant message, per server", () => {
    // A turn in progress (a call, no final yet): its reasoning goes back for the tool loop.
    const history = [message("user", "q"), analysis("think"), call("a", "{}")];
    const calls = [{ id: "call_0", type: "function", function: { name: "a", arguments: "{}" } }];
    expect(chatMessages(history, "llama-server")).toEqual([
      { role: "user", content: "q" },
      { role: "assistant", tool_calls: calls, reasoning_content: "think" },
    ]);
    expect(chatMessages(history, "vllm")[1]).toEqual({
      role: "assistant",
      tool_calls: calls,
      reasoning: "think",
    });
  });

  it("leaves out earlier turns' reasoning exactly where Harmony's renderer drops it (vLLM keeps what it is sent)", () => {
    const history = [
      message("user", "q1"),
      analysis("old thought"),
      message("assistant", "a1", { channel: "final" }),
      message("user", "q2"),
    ];
    expect(chatMessages(history, "vllm")).toEqual([
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "q2" },
    ]);
    expect(renderConversationText(conversation(history))).not.toContain("old thought");
  });

  it("matches tool results to calls by tool name, oldest call first", () => {
    const history = [call("a", "{}"), call("a", '{"n":2}'), result("a", "one"), result("a", "two")];
    const out = chatMessages(history, "vllm");
    const ids = out.slice(0, 2).map((m) => (m.tool_calls as { id: string }[])[0]?.id);
    expect(new Set(ids).size).toBe(2);
    expect(out.slice(2)).toEqual([
      { role: "tool", tool_call_id: ids[0], content: "one" },
      { role: "tool", tool_call_id: ids[1], content: "two" },
    ]);
  });

  it("does not send both a preamble and reasoning on a llama-server tool call (llama.cpp#17040)", () => {
    const history = [analysis("think"), preamble("Checking."), call("w", "{}")];
    expect(chatMessages(history, "llama-server")[0]).not.toHaveProperty("content");
    expect(chatMessages(history, "llama-server")[0]).toHaveProperty("reasoning_content", "think");
    expect(chatMessages(history, "vllm")[0]).toMatchObject({ content: "Checking.", reasoning: "think" });
  });

  it("says which message and what to set when a tool result has no author name", () => {
    const bad = [call("w", "{}"), message("tool", "x")];
    expect(() => chatMessages(bad, "vllm")).toThrow(InputError);
    expect(() => chatMessages(bad, "vllm")).toThrow(/messages\[1\].*author name/);
  });
});

describe("chatCompletionBody", () => {
  it("merges developer tools with request tools (the request wins) and sends gpt-oss sampling", () => {
    const dev = developerMessage(
      withFunctionTools(developerContent({ instructions: "Be brief." }), [
        { name: "a", description: "old" },
        { name: "b", description: "b" },
      ]),
    );
    const body = chatCompletionBody(
      {
        conversation: conversation([
          systemMessage(systemContent({ reasoning_effort: "High" })),
          dev,
          message("user", "q"),
        ]),
        tools: [
          {
            name: "a",
            description: "new",
            parameters: { type: "object", properties: { x: { type: "string" } } },
          },
        ],
        temperature: 0.5,
      },
      { flavor: "vllm", model: "m", stream: true },
    );
    expect(body).toMatchObject({
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "q" },
      ],
      temperature: 0.5,
      top_p: 1,
      reasoning_effort: "high",
      stream_options: { include_usage: true },
    });
    expect(body.tools).toEqual([
      {
        type: "function",
        function: {
          name: "a",
          description: "new",
          parameters: { type: "object", properties: { x: { type: "string" } } },
        },
      },
      {
        type: "function",
        function: { name: "b", description: "b", parameters: { type: "object", properties: {} } },
      },
    ]);
  });

  it("passes a response format on as response_format in OpenAI's shape (vLLM, llama-server)", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    const conv = conversation([message("user", "q")]);
    const options = { flavor: "llama-server" as const, model: undefined, stream: false };
    expect(chatCompletionBody({ conversation: conv }, options)).not.toHaveProperty("response_format");
    expect(
      chatCompletionBody({ conversation: conv, responseFormat: { type: "json_object" } }, options)
        .response_format,
    ).toEqual({ type: "json_object" });
    expect(
      chatCompletionBody(
        { conversation: conv, responseFormat: { type: "json_schema", name: "n", schema, strict: true } },
        { ...options, flavor: "vllm" },
      ).response_format,
    ).toEqual({ type: "json_schema", json_schema: { name: "n", schema, strict: true } });
    // OpenAI needs a name; a schema that came without one (Ollama's format) is called "response".
    expect(
      chatCompletionBody({ conversation: conv, responseFormat: { type: "json_schema", schema } }, options)
        .response_format,
    ).toEqual({ type: "json_schema", json_schema: { name: "response", schema } });
  });

  it("does not constrain the raw /completion route, whose grammar would cover the analysis too", () => {
    const request = {
      conversation: conversation([message("user", "q")]),
      responseFormat: { type: "json_schema" as const, schema: { type: "object" } },
    };
    const { body } = completionBody(request);
    expect(body).not.toHaveProperty("json_schema");
    expect(body).not.toHaveProperty("grammar");
    expect(body).not.toHaveProperty("response_format");
  });
});
