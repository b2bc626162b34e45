/**
 * One conversation, every backend: the same weather question with one function tool goes through the embedded
 * engine and a real llama-server (both running the trained toy gpt-oss, greedy) and through the replay servers
 * of recorded Ollama, vLLM, llama-server and LM Studio traffic (real gpt-oss-20b/120b answers). Each must give the
 * same part-sequence shape — analysis, then a tool call, `finish: tool-calls` — and, after the tool's result
 * is added to the conversation, analysis then a non-empty final answer, `finish: stop`.
 */

import {
  type CollectedParts,
  type Conversation,
  collectParts,
  conversation,
  developerContent,
  developerMessage,
  message,
  renderConversationForCompletionText,
  systemContent,
  systemMessage,
  type ToolDescription,
  toolResult,
  withFunctionTools,
} from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backend,
  createEmbedded,
  createOpenAICompatible,
  type Route,
} from "../../packages/overtone/src/backends/index.js";
import { chatCompletionBody } from "../../packages/overtone/src/backends/openai-compatible/chat-request.js";
import type { OpenAICompatibleOptions } from "../../packages/overtone/src/backends/openai-compatible/index.js";
import { corpusTool } from "../../packages/toy/src/corpus/index.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  startLlamaServer,
} from "../support/llama-server.js";
import { toyModelPath } from "../support/toy-model.js";
import { ollama, recorded, replay } from "./ollama/ollama-replay.js";
import { openai } from "./openai-compatible/openai-replay.js";

// llama-server's gpt-oss template stamps today's date (strftime_now), whatever the request says: the
// conversation carries the same date, so the two renderings can be compared.
const TODAY = new Date().toISOString().slice(0, 10);

function weatherConversation(tool: ToolDescription, city: string): Conversation {
  return conversation([
    systemMessage(systemContent({ reasoning_effort: "Low", conversation_start_date: TODAY })),
    developerMessage(withFunctionTools(developerContent({}), [tool])),
    message("user", `What's the weather in ${city}?`),
  ]);
}

/** Message kinds in order (a call as `tool-call`), then the finish reason. */
function shape(turn: CollectedParts): string[] {
  const kinds = turn.messages.map((m) =>
    m.recipient?.startsWith("functions.") ? "tool-call" : (m.channel ?? m.author.role),
  );
  return [...kinds, `finish:${turn.finish?.reason ?? "none"}`];
}

interface RoundTrip {
  first: CollectedParts;
  second: CollectedParts;
}

/** Call → the tool's result (from the recording, or a corpus-style one) → continuation. */
async function roundTrip(
  backend: Backend,
  start: Conversation,
  result: string,
  beforeSecond: () => void = () => {},
  route?: Route,
): Promise<RoundTrip> {
  const options = { temperature: 0, maxTokens: 400, ...(route !== undefined ? { route } : {}) };
  const first = await collectParts(backend.stream({ conversation: start, ...options }));
  const call = first.toolCalls[0];
  expect(call, `no tool call: ${shape(first).join(" ")}`).toBeDefined();
  beforeSecond();
  const next = conversation([
    ...start.messages,
    ...first.messages,
    toolResult(call?.recipient ?? "", result),
  ]);
  const second = await collectParts(backend.stream({ conversation: next, ...options }));
  return { first, second };
}

/**
 * After a tool result gpt-oss may reason again or answer at once (recording 033 does the latter), so the
 * continuation's analysis is optional; everything else is fixed.
 */
function expectSameShape({ first, second }: RoundTrip): void {
  expect(shape(first)).toEqual(["analysis", "tool-call", "finish:tool-calls"]);
  expect(shape(second).filter((kind) => kind !== "analysis")).toEqual(["final", "finish:stop"]);
  expect(shape(second)[0]).toMatch(/^(analysis|final)$/);
  expect(second.final.trim()).not.toBe("");
}

const RECORDED_TOOL: ToolDescription = {
  name: "weather",
  description: "Get weather information for a location",
  parameters: {
    type: "object",
    properties: { location: { type: "string", description: "the city" } },
    required: ["location"],
  },
};
const TOY_RESULT = '{"city":"Paris","temperature_c":18,"conditions":"cloudy"}';

describe("the same conversation on every backend", () => {
  let toy: string;
  let server: LlamaServerHandle | undefined;
  beforeAll(async () => {
    toy = await toyModelPath();
    server = await startLlamaServer({ model: toy, threads: 1, ctx: 2048 });
  }, LLAMA_SERVER_BUILD_TIMEOUT_MS + 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  for (const [name, open] of [
    ["embedded engine (toy model)", () => createEmbedded({ model: toy, threads: 1, contextSize: 2048 })],
    [
      "llama-server (toy model, auto route = Overtone's rendering)",
      () => createOpenAICompatible({ baseURL: server?.baseURL ?? "", flavor: "llama-server" }),
    ],
  ] as const) {
    it(`${name}: analysis → call to get_weather for Paris, then the answer`, async () => {
      const backend = open();
      try {
        const trip = await roundTrip(
          backend,
          weatherConversation(corpusTool("get_weather"), "Paris"),
          TOY_RESULT,
        );
        expectSameShape(trip);
        expect(JSON.parse(trip.first.toolCalls[0]?.arguments ?? "")).toMatchObject({ location: "Paris" });
      } finally {
        await backend.close();
      }
    }, 120_000);
  }

  it("llama-server's chat route renders the first turn and a tool loop's history as Overtone does", async () => {
    // The toy ships the gpt-oss template with its tool round trip fixed (packages/gguf/data/templates/SOURCE.md):
    // behind OpenAI's own template, llama.cpp v0.5.0 writes history tool calls without `<|constrain|>`,
    // re-serializes their arguments with spaces and JSON-quotes tool results (the toy never saw such a prompt;
    // test/doctor/doctor-llama-server.test.ts shows it) — which is why `auto` takes the raw route there.
    const start = weatherConversation(corpusTool("get_weather"), "Paris");
    const history = conversation([
      ...start.messages,
      message("assistant", "Need the weather.", { channel: "analysis" }),
      message("assistant", '{"location":"Paris"}', {
        channel: "commentary",
        recipient: "functions.get_weather",
        content_type: "<|constrain|>json",
      }),
      toolResult("functions.get_weather", TOY_RESULT),
    ]);
    const serverPrompt = async (c: Conversation) => {
      const body = chatCompletionBody(
        { conversation: c },
        { flavor: "llama-server", model: undefined, stream: false },
      );
      const response = await fetch(`${server?.baseURL}/apply-template`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return ((await response.json()) as { prompt: string }).prompt;
    };
    expect(await serverPrompt(start)).toBe(renderConversationForCompletionText(start, "assistant"));
    const ours = renderConversationForCompletionText(history, "assistant");
    const theirs = await serverPrompt(history);
    expect(ours).toContain('<|channel|>commentary <|constrain|>json<|message|>{"location":"Paris"}<|call|>');
    expect(theirs).toBe(ours);
  });

  it("Ollama /api/chat (recorded gpt-oss:20b, fixture 003)", async () => {
    const file = "003-ollama-api-chat-stream-toolcall.txt";
    const server = await replay(recorded(file, 0));
    const trip = await roundTrip(
      ollama(server),
      weatherConversation(RECORDED_TOOL, "Florence,Italy"),
      "40 C",
      () => server.add(recorded(file, 1)),
      "chat",
    );
    expectSameShape(trip);
  });

  // LM Studio's log has no HTTP status line: it is given here, as in vllm-lmstudio.test.ts.
  const lmStudioReply = { status: 200, headers: { "content-type": "application/json" } };
  for (const [name, file, options, reply] of [
    [
      "llama-server chat (recorded, fixture 033)",
      "033-llamaserver-v1-chat-stream-toolcall.txt",
      { flavor: "llama-server" },
    ],
    [
      "vLLM responses (recorded, fixture 022)",
      "022-vllm-v1-responses-nonstream-function-call.txt",
      { flavor: "vllm", api: "responses", streaming: false },
    ],
    [
      "LM Studio chat (recorded, fixture 040)",
      "040-lmstudio-v1-chat-nonstream-toolcall.txt",
      { flavor: "lmstudio", streaming: false },
      lmStudioReply,
    ],
  ] as [string, string, Partial<OpenAICompatibleOptions>, Parameters<typeof recorded>[2]?][]) {
    it(name, async () => {
      const server = await replay(recorded(file, 0, reply));
      const backend = openai(server, options);
      const trip = await roundTrip(
        backend,
        weatherConversation(RECORDED_TOOL, "Florence,Italy"),
        "40 C",
        () => server.add(recorded(file, 1, reply)),
        "chat",
      );
      expectSameShape(trip);
    });
  }
});
