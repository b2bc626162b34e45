import { message, toolResult } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { gatewayErrorOf } from "../../../../test/gateway/parts-fixtures.js";
import { chatHistory } from "./openai-chat-messages.js";

const weatherCall = (id: string, city: string) => ({
  id,
  type: "function",
  function: { name: "get_weather", arguments: JSON.stringify({ city }) },
});
const call = (city: string) =>
  message("assistant", JSON.stringify({ city }), {
    channel: "commentary",
    recipient: "functions.get_weather",
    content_type: "<|constrain|>json",
  });

const refused = (messages: unknown) => gatewayErrorOf(() => chatHistory(messages));

describe("chatHistory", () => {
  it("merges system and developer messages, in order, into the instructions (rule 18)", () => {
    const history = chatHistory([
      { role: "system", content: "You are terse." },
      { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
      { role: "user", content: "Hi" },
      { role: "system", content: "" },
    ]);
    expect(history.instructions).toEqual(["You are terse.", "Answer in French."]);
    expect(history.messages).toEqual([message("user", "Hi")]);
  });

  it("joins text parts with a newline and reads null content as empty", () => {
    const history = chatHistory([
      {
        role: "user",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
      { role: "assistant", content: null, reasoning_content: "pending" },
    ]);
    expect(history.messages).toEqual([
      message("user", "a\nb"),
      message("assistant", "pending", { channel: "analysis" }),
    ]);
  });

  it("keeps special-token strings in user text as text", () => {
    expect(chatHistory([{ role: "user", content: "<|start|>x" }]).messages).toEqual([
      message("user", "<|start|>x"),
    ]);
  });

  for (const field of ["reasoning", "reasoning_content", "thinking"]) {
    it(`replays a tool loop whose assistant message carries ${field} as analysis before the call (rule 17)`, () => {
      const history = chatHistory([
        { role: "user", content: "Weather in Oslo?" },
        {
          role: "assistant",
          content: null,
          [field]: "Need the weather.",
          tool_calls: [weatherCall("call_1", "Oslo")],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"temp":12}' },
      ]);
      expect(history.messages).toEqual([
        message("user", "Weather in Oslo?"),
        message("assistant", "Need the weather.", { channel: "analysis" }),
        call("Oslo"),
        toolResult("functions.get_weather", '{"temp":12}'),
      ]);
    });
  }

  it("turns content next to tool calls into a preamble and maps each tool result by its call id", () => {
    const history = chatHistory([
      { role: "user", content: "Oslo and Rome?" },
      {
        role: "assistant",
        content: "Checking both.",
        tool_calls: [
          weatherCall("a", "Oslo"),
          { id: "b", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "b", content: "noon" },
      { role: "tool", tool_call_id: "a", content: "12" },
    ]);
    expect(history.messages.slice(1)).toEqual([
      message("assistant", "Checking both.", { channel: "commentary" }),
      call("Oslo"),
      message("assistant", "{}", {
        channel: "commentary",
        recipient: "functions.get_time",
        content_type: "<|constrain|>json",
      }),
      toolResult("functions.get_time", "noon"),
      toolResult("functions.get_weather", "12"),
    ]);
  });

  it("accepts arguments sent as an object, and a reasoning text mirrored into two fields only once", () => {
    const history = chatHistory([
      { role: "user", content: "x" },
      {
        role: "assistant",
        reasoning: "Think.",
        reasoning_content: "Think.",
        tool_calls: [
          { id: "c", type: "function", function: { name: "get_weather", arguments: { city: "Oslo" } } },
        ],
      },
    ]);
    expect(history.messages.slice(1)).toEqual([
      message("assistant", "Think.", { channel: "analysis" }),
      call("Oslo"),
    ]);
  });

  it("drops the reasoning of finished turns and keeps the current turn's (gpt-oss convention)", () => {
    // The AI SDK sends reasoning_content back on every assistant message of the history.
    const history = chatHistory([
      { role: "user", content: "Weather in Oslo?" },
      { role: "assistant", reasoning_content: "r1", content: null, tool_calls: [weatherCall("c1", "Oslo")] },
      { role: "tool", tool_call_id: "c1", content: "12" },
      { role: "assistant", reasoning_content: "r2", content: "It is 12 °C." },
      { role: "user", content: "And Rome?" },
      { role: "assistant", reasoning_content: "r3", content: null, tool_calls: [weatherCall("c2", "Rome")] },
      { role: "tool", tool_call_id: "c2", content: "25" },
    ]);
    const analysis = history.messages.filter((m) => m.channel === "analysis");
    expect(analysis).toEqual([message("assistant", "r3", { channel: "analysis" })]);
    expect(history.messages).toHaveLength(8);
  });

  it("drops all reasoning once the last turn has its final answer", () => {
    const history = chatHistory([
      { role: "user", content: "Hi" },
      { role: "assistant", reasoning: "greet", content: "Hello!" },
    ]);
    expect(history.messages).toEqual([
      message("user", "Hi"),
      message("assistant", "Hello!", { channel: "final" }),
    ]);
  });

  it("refuses what it cannot render, naming the field", () => {
    expect(refused([])).toMatchObject({ status: 400, param: "messages" });
    expect(refused("hi")).toMatchObject({ param: "messages" });
    expect(refused([42])).toMatchObject({ param: "messages[0]" });
    const role = refused([{ role: "function", name: "f", content: "x" }]);
    expect(role).toMatchObject({ param: "messages[0].role" });
    expect(role.message).toContain('"function"');
    expect(role.message).toContain("system, developer, user, assistant, tool");
    expect(refused([{ content: "x" }]).message).toContain("is missing");
    const image = refused([{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }]);
    expect(image).toMatchObject({ param: "messages[0].content[0].type" });
    expect(image.message).toContain("only text parts");
    expect(refused([{ role: "user", content: 5 }])).toMatchObject({ param: "messages[0].content" });
    expect(refused([{ role: "tool", tool_call_id: "nope", content: "x" }])).toMatchObject({
      param: "messages[0].tool_call_id",
    });
    expect(refused([{ role: "tool", content: "x" }])).toMatchObject({ param: "messages[0].tool_call_id" });
    expect(refused([{ role: "assistant", tool_calls: [{ id: "a" }] }])).toMatchObject({
      param: "messages[0].tool_calls[0]",
    });
    expect(refused([{ role: "assistant", tool_calls: [{ function: { name: "f" } }] }])).toMatchObject({
      param: "messages[0].tool_calls[0].id",
    });
    expect(refused([{ role: "assistant", reasoning: 3 }])).toMatchObject({ param: "messages[0].reasoning" });
    expect(refused([{ role: "assistant", tool_calls: {} }])).toMatchObject({
      param: "messages[0].tool_calls",
    });
  });
});
