/**
 * Real clients, unchanged, against the gateway in front of a real llama-server (issue 14, Must show (b)): llama.cpp's
 * server, built from node-llama-cpp's bundled source, serves the trained toy gpt-oss; the gateway reaches it through
 * Overtone's OpenAI-compatible backend (flavor llama-server), as `overtone serve --backend openai` does. The
 * backend asks no route, so `auto` sees a gpt-oss vocabulary in `/v1/models` and sends Overtone's own Harmony
 * rendering to `/completion` (cross-backend.test.ts says why). The openai SDK 6 (stream helper with a tool, a
 * round trip) and ollama-js 0.6 (chat with think and a tool, generate) must see the toy's reasoning apart, its
 * call as a call and the right finish reasons. Greedy sampling: what is asserted is the protocol, not the toy.
 */
import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backend, createOpenAICompatible } from "../../packages/overtone/src/backends/index.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  startLlamaServer,
} from "../support/llama-server.js";
import { toyModelPath } from "../support/toy-model.js";
import {
  ASK_WEATHER,
  type RunningGateway,
  startGateway,
  WEATHER_TOOL,
  weatherFollowUp,
} from "./gateway-harness.js";

let server: LlamaServerHandle | undefined;
let backend: Backend | undefined;
let running: RunningGateway;
let openai: OpenAI;
/** The paths the backend asked llama-server for. */
const asked: string[] = [];

beforeAll(async () => {
  server = await startLlamaServer({ model: await toyModelPath(), ctx: 4096 });
  backend = createOpenAICompatible({
    baseURL: server.baseURL,
    flavor: "llama-server",
    fetch: (input, init) => {
      asked.push(new URL(input instanceof Request ? input.url : input).pathname);
      return fetch(input, init);
    },
  });
  running = await startGateway([{ name: "toy", backend }]);
  openai = new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "unused", maxRetries: 0 });
}, LLAMA_SERVER_BUILD_TIMEOUT_MS + 120_000);

afterAll(async () => {
  await running?.close();
  await backend?.close();
  await server?.stop();
});

describe("the openai SDK against the gateway in front of llama-server (toy model)", () => {
  it("streams reasoning and a call to get_weather for Paris, then answers from the tool's result", async () => {
    const stream = openai.chat.completions.stream({
      model: "toy",
      messages: [{ role: "user", content: ASK_WEATHER }],
      tools: [WEATHER_TOOL],
      temperature: 0,
      stream_options: { include_usage: true },
    });
    let reasoning = "";
    for await (const chunk of stream) {
      reasoning += (chunk.choices[0]?.delta as { reasoning?: string } | undefined)?.reasoning ?? "";
    }
    const first = await stream.finalChatCompletion();
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(reasoning.trim()).not.toBe("");
    expect(reasoning).not.toContain("<|");
    expect(choice?.message.content ?? "").toBe("");
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("no function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toMatchObject({ location: "Paris" });
    expect(call.id).toMatch(/^call_/);
    expect(first.model).toBe("toy");
    // llama-server counted the tokens; the gateway counted the reasoning ones (rule 12)
    const usage = first.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(usage?.completion_tokens_details?.reasoning_tokens ?? 0);

    const second = await weatherFollowUp(openai, call);
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content?.trim()).not.toBe("");
    expect(second.choices[0]?.message.content).not.toContain("<|");
    // `auto` found the gpt-oss vocabulary once and took the raw route every time
    expect(asked).toEqual(["/v1/models", "/props", "/completion", "/completion"]);
  });
});

describe("ollama-js against the gateway in front of llama-server (toy model)", () => {
  it("lists the model, chats with think and a tool (arguments as an object), and generates", async () => {
    const ollama = new Ollama({ host: running.base });
    expect((await ollama.list()).models.map((m) => m.name)).toEqual(["toy"]);

    const lines = [];
    for await (const line of await ollama.chat({
      model: "toy",
      messages: [{ role: "user", content: ASK_WEATHER }],
      tools: [WEATHER_TOOL],
      think: "low",
      stream: true,
      options: { temperature: 0 },
    })) {
      lines.push(line);
    }
    const thinking = lines.map((l) => l.message.thinking ?? "").join("");
    const calls = lines.flatMap((l) => l.message.tool_calls ?? []);
    expect(thinking.trim()).not.toBe("");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.function.name).toBe("get_weather");
    expect(calls[0]?.function.arguments).toMatchObject({ location: "Paris" });
    const last = lines.at(-1);
    expect(last).toMatchObject({ done: true, done_reason: "stop" });
    expect(last?.eval_count).toBeGreaterThan(0);
    // counters on the final line only (rule 38)
    expect(lines.slice(0, -1).every((l) => !l.done && l.eval_count === undefined)).toBe(true);

    const reply = await ollama.generate({
      model: "toy",
      prompt: "What is 12 + 7?",
      stream: false,
      options: { temperature: 0 },
    });
    expect(reply.done).toBe(true);
    expect(reply.thinking?.trim()).not.toBe("");
    expect(reply.response?.trim()).not.toBe("");
    expect(reply.response).not.toContain("<|");
  });
});
