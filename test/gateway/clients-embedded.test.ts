/**
 * Real clients, unchanged, against the gateway serving the embedded toy gpt-oss (issue 14, Must show): the
 * `openai` SDK 6.x (Chat Completions non-stream and streaming with tools and reasoning, its strict stream helper,
 * Responses streaming with a function-call round trip), `ollama` 0.6 (chat with `think` and tools, generate,
 * list), and the Vercel AI SDK 6 with `@ai-sdk/openai-compatible` 2 (`streamText` with a tool and reasoning
 * parts) — the versions that run on Node 20. Greedy sampling, so the toy's answers repeat; what is asserted is
 * the protocol (reasoning apart, tool calls as calls, finish reasons, usage), not the toy's arithmetic.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { jsonSchema, stepCountIs, streamText, tool } from "ai";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedded } from "../../packages/overtone/src/backends/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../support/toy-model.js";
import {
  ASK_WEATHER,
  GET_WEATHER,
  type RunningGateway,
  startGateway,
  WEATHER_TOOL,
  weatherFollowUp,
} from "./gateway-harness.js";

let running: RunningGateway;
let openai: OpenAI;

beforeAll(async () => {
  const backend = createEmbedded({ model: await toyModelPath(), contextSize: 4096 });
  await backend.ready();
  running = await startGateway([{ name: "toy", backend }]);
  openai = new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "unused", maxRetries: 0 });
}, 120_000);
afterAll(async () => {
  await running?.close();
  for (const model of running?.gateway.models.all() ?? []) await model.backend.close();
  await disposeEngineLlama();
});

describe("the openai SDK against the gateway on the embedded toy model", () => {
  it("gets a whole answer with its reasoning in `reasoning` and reasoning tokens counted", async () => {
    const reply = await openai.chat.completions.create({
      model: "toy",
      messages: [{ role: "user", content: "What is 12 + 7?" }],
      temperature: 0,
    });
    const choice = reply.choices[0];
    expect(choice?.finish_reason).toBe("stop");
    expect(choice?.message.content?.trim()).not.toBe("");
    const reasoning = (choice?.message as unknown as { reasoning?: string } | undefined)?.reasoning;
    expect(reasoning?.trim()).not.toBe("");
    expect(choice?.message.content).not.toContain("<|");
    expect(reply.model).toBe("toy");
    const usage = reply.usage;
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(usage?.completion_tokens_details?.reasoning_tokens ?? 0);
  });

  it("streams a tool call through the strict stream helper, then answers from the tool's result", async () => {
    const stream = openai.chat.completions.stream({
      model: "toy",
      messages: [{ role: "user", content: ASK_WEATHER }],
      tools: [WEATHER_TOOL],
      temperature: 0,
      stream_options: { include_usage: true },
    });
    const first = await stream.finalChatCompletion();
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("no function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toMatchObject({ location: "Paris" });
    expect(first.usage?.completion_tokens).toBeGreaterThan(0);

    const second = await weatherFollowUp(openai, call);
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content?.trim()).not.toBe("");
  });

  it("streams a Responses function call and completes the round trip with the reply's own output", async () => {
    const tools = [{ type: "function" as const, strict: false, ...GET_WEATHER }];
    const first = await openai.responses
      .stream({ model: "toy", input: ASK_WEATHER, tools, temperature: 0 })
      .finalResponse();
    expect(first.status).toBe("completed");
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function call in the output");
    expect(call.name).toBe("get_weather");
    expect(first.output.some((item) => item.type === "reasoning")).toBe(true);
    const second = await openai.responses.create({
      model: "toy",
      temperature: 0,
      tools,
      input: [
        { role: "user", content: ASK_WEATHER },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        {
          type: "function_call_output",
          call_id: call.call_id,
          output: '{"temperature": 21, "sky": "sunny"}',
        },
      ],
    });
    expect(second.status).toBe("completed");
    expect(second.output_text.trim()).not.toBe("");
  });
});

describe("ollama-js against the gateway on the embedded toy model", () => {
  it("lists the model, chats with think and a tool (arguments as an object), and generates", async () => {
    const ollama = new Ollama({ host: running.base });
    expect((await ollama.list()).models.map((m) => m.name)).toEqual(["toy"]);
    const reply = await ollama.chat({
      model: "toy",
      messages: [{ role: "user", content: ASK_WEATHER }],
      tools: [WEATHER_TOOL],
      think: "low",
      stream: false,
      options: { temperature: 0 },
    });
    expect(reply.message.thinking?.trim()).not.toBe("");
    expect(reply.message.tool_calls?.[0]?.function.name).toBe("get_weather");
    expect(reply.message.tool_calls?.[0]?.function.arguments).toMatchObject({ location: "Paris" });
    expect(reply.done_reason).toBe("stop");
    expect(reply.eval_count).toBeGreaterThan(0);

    let thinking = "";
    let content = "";
    let done = false;
    for await (const line of await ollama.generate({
      model: "toy",
      prompt: "What is 12 + 7?",
      stream: true,
      options: { temperature: 0 },
    })) {
      thinking += line.thinking ?? "";
      content += line.response;
      done ||= line.done;
    }
    expect(done).toBe(true);
    expect(thinking.trim()).not.toBe("");
    expect(content.trim()).not.toBe("");
  });
});

describe("the AI SDK (openai-compatible provider) against the gateway on the embedded toy model", () => {
  it("streams reasoning parts and a typed tool call", async () => {
    const provider = createOpenAICompatible({
      name: "overtone",
      baseURL: `${running.base}/v1`,
      includeUsage: true,
    });
    const result = streamText({
      model: provider("toy"),
      prompt: ASK_WEATHER,
      temperature: 0,
      stopWhen: stepCountIs(1),
      tools: {
        // The schema as the toy learned it (with its descriptions): a zod schema without them is a tool the toy
        // does not recognise, which tests the toy, not the gateway.
        get_weather: tool({
          description: GET_WEATHER.description,
          inputSchema: jsonSchema<{ location: string; unit?: "celsius" | "fahrenheit" }>(
            GET_WEATHER.parameters,
          ),
        }),
      },
    });
    const types = new Set<string>();
    const calls: { toolName: string; input: unknown }[] = [];
    for await (const part of result.fullStream) {
      types.add(part.type);
      if (part.type === "error") throw part.error;
      if (part.type === "tool-call") calls.push({ toolName: part.toolName, input: part.input });
    }
    expect(types.has("reasoning-delta")).toBe(true);
    expect(calls).toEqual([
      { toolName: "get_weather", input: expect.objectContaining({ location: "Paris" }) },
    ]);
    expect(await result.finishReason).toBe("tool-calls");
  });
});
