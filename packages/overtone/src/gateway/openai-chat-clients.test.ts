/**
 * The Chat Completions replies as real clients read them: openai-node (its strict `chat.completions.stream()`
 * helper, §1.8) and the AI SDK's openai-compatible provider (Zod schemas, tool-call tracker, §5), fed through a
 * fake fetch. SSE comment lines are mixed into the streams, as the server's keep-alives would be (rule 21).
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { Part } from "@overtone/harmony";
import { jsonSchema, streamText, tool } from "ai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { finish, modelMessage, partsOf } from "../../../../test/gateway/parts-fixtures.js";
import { chatCompletionBody } from "./openai-chat-reply.js";
import { chatCompletionFrames } from "./openai-chat-stream.js";

const meta = { id: "chatcmpl-client", created: 1755000000, model: "gpt-oss-20b" };

const usage = { inputTokens: 84, outputTokens: 31, reasoningTokens: 12 };
const toolTurn: Part[] = [
  ...modelMessage("analysis", "m0", ["Need ", "weather."]),
  ...modelMessage("tool-call", "m1", ['{"city":', '"Oslo"}']),
  finish("tool-calls", usage),
];
const answerTurn: Part[] = [
  ...modelMessage("analysis", "m0", ["Easy."]),
  ...modelMessage("final", "m1", ["It is ", "sunny."]),
  finish("stop", usage),
];

/** The SSE text of a reply, with a keep-alive comment before every frame. */
async function sse(
  parts: Part[],
  options: { reasoningField: "reasoning" | "reasoning_content"; includeUsage: boolean },
) {
  let text = "";
  for await (const frame of chatCompletionFrames(partsOf(parts), meta, options))
    text += `: keep-alive\n\n${frame}`;
  return text;
}

const reply = (body: string, type: string) => async () =>
  new Response(body, { headers: { "content-type": type } });

function openai(body: string, type = "text/event-stream; charset=utf-8"): OpenAI {
  return new OpenAI({
    apiKey: "test",
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: reply(body, type),
  });
}

const ask = { model: "gpt-oss-20b", messages: [{ role: "user" as const, content: "Weather in Oslo?" }] };

describe("openai-node", () => {
  it("assembles a streamed tool call with the strict stream helper (rules 4, 5, 7, 21)", async () => {
    const client = openai(await sse(toolTurn, { reasoningField: "reasoning", includeUsage: true }));
    const completion = await client.chat.completions
      .stream({ ...ask, stream_options: { include_usage: true } })
      .finalChatCompletion();
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.tool_calls?.[0]).toMatchObject({
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 84, completion_tokens: 31, total_tokens: 115 });
  });

  it("reads a streamed answer and a non-stream body", async () => {
    const streamed = await openai(await sse(answerTurn, { reasoningField: "reasoning", includeUsage: false }))
      .chat.completions.stream(ask)
      .finalChatCompletion();
    expect(streamed.choices[0]?.message.content).toBe("It is sunny.");
    const body = await chatCompletionBody(partsOf(toolTurn), meta, { reasoningField: "reasoning" });
    const whole = await openai(JSON.stringify(body), "application/json").chat.completions.create(ask);
    expect(whole.choices[0]?.message.tool_calls?.[0]?.id).toMatch(/^call_/);
  });

  it("throws the mid-stream error frame as an APIError (rule 23)", async () => {
    const failed: Part[] = [
      ...modelMessage("final", "m0", ["part"]).slice(0, 2),
      { type: "error", error: new Error("connection reset") },
    ];
    const stream = await openai(
      await sse(failed, { reasoningField: "reasoning", includeUsage: false }),
    ).chat.completions.create({
      ...ask,
      stream: true,
    });
    await expect(async () => {
      for await (const _ of stream);
    }).rejects.toThrow("connection reset");
  });
});

describe("AI SDK openai-compatible", () => {
  const provider = (body: string) =>
    createOpenAICompatible({
      name: "gateway",
      baseURL: "http://gateway.test/v1",
      includeUsage: true,
      fetch: reply(body, "text/event-stream"),
    });
  const weather = tool({
    description: "Get the weather",
    inputSchema: jsonSchema<{ city: string }>({
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    }),
  });

  it("gets the tool call, the reasoning and the finish reason without an error part (rules 7, 8, 14, 21)", async () => {
    const body = await sse(toolTurn, { reasoningField: "reasoning_content", includeUsage: true });
    const result = streamText({
      model: provider(body)("gpt-oss-20b"),
      prompt: "Weather in Oslo?",
      tools: { get_weather: weather },
    });
    const parts: { type: string; [key: string]: unknown }[] = [];
    for await (const part of result.fullStream) parts.push(part);
    expect(parts.filter((p) => p.type === "error")).toEqual([]);
    expect(parts.find((p) => p.type === "tool-call")).toMatchObject({
      toolName: "get_weather",
      input: { city: "Oslo" },
    });
    expect(await result.reasoningText).toBe("Need weather.");
    expect(await result.finishReason).toBe("tool-calls");
    expect((await result.usage).inputTokens).toBe(84);
  });

  it("gets the answer text", async () => {
    const body = await sse(answerTurn, { reasoningField: "reasoning", includeUsage: true });
    const result = streamText({ model: provider(body)("gpt-oss-20b"), prompt: "Weather?" });
    expect(await result.text).toBe("It is sunny.");
    expect(await result.finishReason).toBe("stop");
  });
});
