/**
 * Real clients, unchanged, against the gateway in front of Overtone's server backends, whose upstream is a replay
 * of recorded real gpt-oss traffic (issue 14, Must show; gateway.md §8 rule 50). Each client speaks another
 * protocol than the upstream's — any protocol in front of any backend: the openai SDK 6 (Chat Completions stream
 * helper, Responses stream helper) and the AI SDK 6 in front of Ollama; ollama-js 0.6 in front of vLLM (its Chat
 * Completions and Responses APIs) and llama-server; the openai Responses helper in front of LM Studio. What the
 * recorded model said must reach the client mapped right: reasoning in the client's reasoning field, the answer as
 * content, tool calls as calls (name, argument object), finish reasons and token counts; a recorded upstream
 * failure is a clean error in the client's protocol, never a hang.
 *
 * The replay answers only the requests it expects, in order (replay-kit's afterEach asserts it saw no other), and
 * the `sent(…)` checks compare each body the backend sent with the recorded client's: the client requests here
 * are written so that the gateway's backend asks what was recorded.
 */
import { createOpenAICompatible as aiSdkProvider } from "@ai-sdk/openai-compatible";
import { jsonSchema, stepCountIs, streamText, tool } from "ai";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Backend,
  createOllama,
  createOpenAICompatible,
  type OpenAICompatibleOptions,
} from "../../packages/overtone/src/backends/index.js";
import { LLAMA_SWAP } from "../replay/llama-swap.js";
import { recorded, replay } from "../replay/replay-kit.js";
import type { ReplayRoute } from "../replay/replay-server.js";
import { bodyChunks, loadWireFixture, requestJson } from "../replay/wire-fixture.js";
import { type RunningGateway, startGateway } from "./gateway-harness.js";

const gateways: RunningGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()));
});

const MODEL = "gpt-oss";

async function gatewayOn(backend: Backend, upstreamModel?: string): Promise<RunningGateway> {
  const running = await startGateway([
    { name: MODEL, backend, ...(upstreamModel !== undefined ? { upstreamModel } : {}) },
  ]);
  gateways.push(running);
  return running;
}

/**
 * Overtone's Ollama backend on recorded Ollama traffic. The gateway asks for no route, so the backend's `auto`
 * looks the model up first: `/api/show` answers as recorded (007: gpt-oss, no template shown → `/api/chat`) or
 * with a ChatML template (100 → Overtone renders Harmony itself, `/api/generate` raw).
 */
async function overOllama(show: "007" | "100", ...routes: ReplayRoute[]) {
  const file =
    show === "007" ? "007-ollama-api-show-gptoss.txt" : "100-ollama-derived-api-show-chatml-template.txt";
  const upstream = await replay(
    recorded(file, 0, {
      path: "/api/show",
      method: "POST",
      expect: sent((body) => expect(body).toEqual({ model: "gpt-oss:20b" })),
    }),
    ...routes,
  );
  return { upstream, running: await gatewayOn(createOllama({ baseURL: upstream.url }), "gpt-oss:20b") };
}

/** Overtone's OpenAI-compatible backend on recorded vLLM, llama-server or LM Studio traffic. */
async function overServer(options: Partial<OpenAICompatibleOptions>, ...routes: ReplayRoute[]) {
  const upstream = await replay(...(options.flavor === "llama-server" ? LLAMA_SWAP : []), ...routes);
  const backend = createOpenAICompatible({ baseURL: upstream.url, ...options });
  return { upstream, running: await gatewayOn(backend, options.model ?? "openai/gpt-oss-20b") };
}

function openaiOn(running: RunningGateway): OpenAI {
  return new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "unused", maxRetries: 0 });
}

function ollamaOn(running: RunningGateway): Ollama {
  return new Ollama({ host: running.base });
}

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON, read field by field
type Json = any;

/** The JSON objects a recorded answer carried, in order: NDJSON lines, SSE `data:` payloads, or one body. */
function recordedObjects(file: string, index = 0): Json[] {
  const responses = loadWireFixture(file).exchanges[index]?.responses ?? [];
  return responses
    .flatMap((r) => bodyChunks(r.body))
    .flatMap((chunk) => chunk.split("\n"))
    .map((line) => line.replace(/^data: /, ""))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

function joined(file: string, index: number, pick: (o: Json) => unknown): string {
  return recordedObjects(file, index)
    .map((o) => pick(o))
    .filter((v): v is string => typeof v === "string")
    .join("");
}

/** A replay `expect` made of vitest assertions on the body the backend sent (a failure is a replay problem). */
function sent(check: (body: Json) => void): (body: unknown) => undefined {
  return (body) => {
    check(body);
    return undefined;
  };
}

/** What a client call threw (undefined when it finished without throwing). */
async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function recordedBody(file: string, index = 0): Json {
  return requestJson(loadWireFixture(file).exchanges[index]?.request);
}

const OLLAMA_TOOLS = "003-ollama-api-chat-stream-toolcall.txt";
const OLLAMA_THINKING = "001-ollama-api-chat-stream-thinking.txt";
const WEATHER = recordedBody(OLLAMA_TOOLS).tools[0].function as {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
};
const FLORENCE = "What's the weather in Florence,Italy?";
const HELPFUL = "You are a helpful assistant";

describe("the openai SDK and the AI SDK against the gateway in front of Ollama (recorded)", () => {
  it("chat stream helper: the recorded thinking as reasoning, the call to weather, then the answer (003; rules 7, 14, 17)", async () => {
    const { upstream, running } = await overOllama(
      "007",
      recorded(OLLAMA_TOOLS, 0, {
        // The backend's request is the recorded client's: same messages, same tool.
        expect: sent((body) => {
          expect(body.messages).toEqual(recordedBody(OLLAMA_TOOLS, 0).messages);
          expect(body.tools).toEqual(recordedBody(OLLAMA_TOOLS, 0).tools);
        }),
      }),
    );
    const openai = openaiOn(running);
    const tools = [{ type: "function" as const, function: WEATHER }];
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "system", content: HELPFUL },
      { role: "user", content: FLORENCE },
    ];
    const stream = openai.chat.completions.stream({
      model: MODEL,
      messages,
      tools,
      stream_options: { include_usage: true },
    });
    let reasoning = "";
    let mirrored = false;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning ?? "";
      mirrored ||= delta?.reasoning_content !== undefined;
    }
    expect(mirrored).toBe(false);
    const first = await stream.finalChatCompletion();
    const thinking = joined(OLLAMA_TOOLS, 0, (o) => o.message?.thinking);
    expect(reasoning).toBe(thinking);
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content ?? "").toBe("");
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("no function call");
    expect(call.function.name).toBe("weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ location: "Florence, Italy" });
    expect(call.id).toMatch(/^call_/);
    expect(first.usage).toMatchObject({ prompt_tokens: 142, completion_tokens: 40 });

    // Turn 2: the call, its reasoning and the tool's result, as the recorded client sent them back.
    upstream.add(
      recorded(OLLAMA_TOOLS, 1, {
        expect: sent((body) => {
          const [system, user, assistant, result] = body.messages;
          expect([system, user]).toEqual(recordedBody(OLLAMA_TOOLS, 1).messages.slice(0, 2));
          expect(assistant).toEqual({
            role: "assistant",
            content: "",
            thinking,
            tool_calls: [{ function: { name: "weather", arguments: { location: "Florence, Italy" } } }],
          });
          expect(result).toEqual({ role: "tool", content: "40 C", tool_name: "weather" });
        }),
      }),
    );
    const second = await openai.chat.completions.create({
      model: MODEL,
      tools,
      messages: [
        ...messages,
        {
          role: "assistant",
          content: null,
          tool_calls: [call],
          reasoning,
        } as OpenAI.ChatCompletionMessageParam,
        { role: "tool", tool_call_id: call.id, content: "40 C" },
      ],
    });
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content).toBe(joined(OLLAMA_TOOLS, 1, (o) => o.message?.content));
    expect((second.choices[0]?.message as { reasoning?: string } | undefined)?.reasoning).toBe(
      joined(OLLAMA_TOOLS, 1, (o) => o.message?.thinking),
    );
  });

  it("Responses stream helper: a reasoning item with the recorded thinking, then the answer (001; rules 30, 33)", async () => {
    const { running } = await overOllama(
      "007",
      recorded(OLLAMA_THINKING, 0, {
        expect: sent((body) => expect(body.messages).toEqual(recordedBody(OLLAMA_THINKING).messages)),
      }),
    );
    const events = new Set<string>();
    const stream = openaiOn(running).responses.stream({
      model: MODEL,
      instructions: HELPFUL,
      input: "Say hi in Portuguese",
    });
    for await (const event of stream) events.add(event.type);
    const response = await stream.finalResponse();
    expect(response.status).toBe("completed");
    const reasoning = response.output.find((item) => item.type === "reasoning");
    expect(reasoning?.type === "reasoning" ? reasoning.content?.[0]?.text : undefined).toBe(
      joined(OLLAMA_THINKING, 0, (o) => o.message?.thinking),
    );
    expect(response.output_text).toBe("Olá!");
    expect(response.usage).toMatchObject({ input_tokens: 84, output_tokens: 36 });
    expect(events.has("response.reasoning_text.delta")).toBe(true);
    expect([...events].some((type) => type.startsWith("response.reasoning_part"))).toBe(false);
  });

  it("AI SDK streamText: reasoning parts, a typed call to weather, its result, the recorded answer (003; rule 10)", async () => {
    const { upstream, running } = await overOllama("007", recorded(OLLAMA_TOOLS, 0));
    upstream.add(recorded(OLLAMA_TOOLS, 1));
    const provider = aiSdkProvider({ name: "overtone", baseURL: `${running.base}/v1`, includeUsage: true });
    const result = streamText({
      model: provider(MODEL),
      system: HELPFUL,
      prompt: FLORENCE,
      stopWhen: stepCountIs(2),
      tools: {
        weather: tool({
          description: WEATHER.description,
          inputSchema: jsonSchema<{ location: string }>(WEATHER.parameters),
          execute: async () => "40 C",
        }),
      },
    });
    let reasoning = "";
    const calls: unknown[] = [];
    for await (const part of result.fullStream) {
      if (part.type === "error") throw part.error;
      if (part.type === "reasoning-delta") reasoning += part.text;
      if (part.type === "tool-call") calls.push({ toolName: part.toolName, input: part.input });
    }
    expect(calls).toEqual([{ toolName: "weather", input: { location: "Florence, Italy" } }]);
    const steps = await result.steps;
    expect(steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(reasoning).toBe(
      joined(OLLAMA_TOOLS, 0, (o) => o.message?.thinking) +
        joined(OLLAMA_TOOLS, 1, (o) => o.message?.thinking),
    );
    expect(await result.text).toBe(joined(OLLAMA_TOOLS, 1, (o) => o.message?.content));
    expect(upstream.requests.map((r) => r.path)).toEqual(["/api/show", "/api/chat", "/api/chat"]);
  });
});

describe("recorded Ollama failures reach OpenAI-protocol clients as clean errors", () => {
  it("an error line under the wrong key before any output (008): an HTTP 503, not an empty 200 (rules 22, 24)", async () => {
    const { running } = await overOllama(
      "007",
      recorded("008-ollama-api-chat-stream-error-line-wrongkey.txt", 0, { path: "/api/chat" }),
    );
    const stream = openaiOn(running).chat.completions.stream({
      model: MODEL,
      messages: [{ role: "user", content: FLORENCE }],
      tools: [{ type: "function", function: WEATHER }],
    });
    const error = await thrown(() => stream.finalChatCompletion());
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 503 });
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("1");
    expect((error as Error).message).toContain(
      "error parsing tool call: invalid character 'c' looking for beginning of value",
    );
  });

  it("an HTTP 500 tool-call parse error (009) through the Responses API: the API error, with its message", async () => {
    const { running } = await overOllama(
      "007",
      recorded("009-ollama-api-chat-500-toolcall-parse.txt", 0, { path: "/api/chat" }),
    );
    const error = await thrown(() =>
      openaiOn(running).responses.create({ model: MODEL, input: "Patch f.php" }),
    );
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toMatch(/error parsing tool call: raw=/);
  });

  it("a stream cut off before its done line (001 without it): the text so far, then the error frame (rule 23)", async () => {
    const chunks = bodyChunks(loadWireFixture(OLLAMA_THINKING).exchanges[0]?.responses[0]?.body ?? "");
    const { running } = await overOllama("007", {
      path: "/api/chat",
      response: { status: 200, chunks: chunks.slice(0, -1) },
    });
    const stream = await openaiOn(running).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Say hi in Portuguese" }],
      stream: true,
    });
    let reasoning = "";
    let content = "";
    const error = await thrown(async () => {
      for await (const chunk of stream) {
        reasoning += (chunk.choices[0]?.delta as { reasoning?: string } | undefined)?.reasoning ?? "";
        content += chunk.choices[0]?.delta.content ?? "";
      }
    });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/ended before its last line/);
    expect(reasoning).toBe(joined(OLLAMA_THINKING, 0, (o) => o.message?.thinking));
    expect(content).toBe("Olá!");
  });

  it("the documented error line of a raw-route stream (011, ChatML template): the AI SDK gets an error part", async () => {
    const { running } = await overOllama(
      "100",
      recorded("011-ollama-docs-midstream-error.txt", 0, { path: "/api/generate" }),
    );
    const provider = aiSdkProvider({ name: "overtone", baseURL: `${running.base}/v1` });
    const result = streamText({
      model: provider(MODEL),
      prompt: "Can you?",
      maxRetries: 0,
      onError: () => {}, // asserted below; the default prints it
    });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);
    // The stripped text before the error line makes no Harmony message, so nothing had been sent: an HTTP 503.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ statusCode: 503 });
    expect((errors[0] as Error).message).toContain("an error was encountered while running the model");
  });
});

const VLLM_RESPONSES = "021-vllm-v1-responses-stream-reasoning.txt";
const VLLM_CALL = "022-vllm-v1-responses-nonstream-function-call.txt";

/** A recorded Responses body's output text of one type (`reasoning_text`, `output_text`). */
function responsesText(file: string, index: number, type: string): string {
  const [body] = recordedObjects(file, index);
  return (body.output as Json[])
    .flatMap((item) => item.content ?? [])
    .filter((c: Json) => c.type === type)
    .map((c: Json) => c.text)
    .join("");
}

describe("ollama-js against the gateway in front of vLLM (recorded)", () => {
  it("chat stream over vLLM's Responses API: the reasoning as thinking, the answer as content (021; rules 38, 39)", async () => {
    const { running } = await overServer(
      { flavor: "vllm", api: "responses" },
      recorded(VLLM_RESPONSES, 0, {
        expect: sent((body) =>
          expect(body.input).toEqual([
            { type: "message", role: "user", content: recordedBody(VLLM_RESPONSES).input },
          ]),
        ),
      }),
    );
    let thinking = "";
    let content = "";
    const lines = [];
    for await (const line of await ollamaOn(running).chat({
      model: MODEL,
      messages: [{ role: "user", content: recordedBody(VLLM_RESPONSES).input }],
      stream: true,
    })) {
      lines.push(line);
      thinking += line.message.thinking ?? "";
      content += line.message.content;
    }
    // the recording elides reasoning deltas 11–126: only the ones it kept are here
    expect(thinking).toBe(
      joined(VLLM_RESPONSES, 0, (o) => (o.type === "response.reasoning_text.delta" ? o.delta : undefined)),
    );
    expect(content).toBe("HELLO");
    expect(lines.filter((l) => l.message.thinking).every((l) => l.message.content === "")).toBe(true);
    const last = lines.at(-1);
    expect(last).toMatchObject({ done: true, done_reason: "stop" });
    expect(lines.slice(0, -1).every((l) => !l.done && l.eval_count === undefined)).toBe(true);
  });

  it("chat with a tool over vLLM's Responses API: the call with an argument object, then the answer (022; rule 40)", async () => {
    const { upstream, running } = await overServer(
      { flavor: "vllm", api: "responses", streaming: false },
      recorded(VLLM_CALL, 0),
    );
    const recordedTool = recordedBody(VLLM_CALL).tools[0];
    const tools = [
      {
        type: "function",
        function: {
          name: recordedTool.name,
          description: recordedTool.description,
          parameters: recordedTool.parameters,
        },
      },
    ];
    const ollama = ollamaOn(running);
    const question = { role: "user", content: recordedBody(VLLM_CALL).input };
    const first = await ollama.chat({ model: MODEL, messages: [question], tools, stream: false });
    expect(first.message.thinking).toBe(responsesText(VLLM_CALL, 0, "reasoning_text"));
    expect(first.message.content).toBe("");
    expect(first.message.tool_calls).toEqual([
      expect.objectContaining({
        function: expect.objectContaining({
          name: "file_search",
          arguments: { query: "Rust memory safety ownership" },
        }),
      }),
    ]);
    // Ollama's native API keeps `stop` after a tool call (gateway.md §4.1)
    expect(first.done_reason).toBe("stop");
    expect(first).toMatchObject({ prompt_eval_count: 137, eval_count: 106 });

    const turn2 = recordedBody(VLLM_CALL, 1);
    const output = turn2.input[2].output as string;
    upstream.add(
      recorded(VLLM_CALL, 1, {
        expect: sent((body) => {
          const [user, reasoning, call, result] = body.input;
          expect(user).toEqual(turn2.input[0]);
          expect(reasoning).toMatchObject({ type: "reasoning" });
          expect(call).toMatchObject({
            type: "function_call",
            name: "file_search",
            arguments: turn2.input[1].arguments,
          });
          expect(result).toEqual({ type: "function_call_output", call_id: call.call_id, output });
          expect(body.tools).toEqual(turn2.tools);
        }),
      }),
    );
    const second = await ollama.chat({
      model: MODEL,
      tools,
      stream: false,
      messages: [question, first.message, { role: "tool", content: output, tool_name: "file_search" }],
    });
    expect(second.message.content).toBe(responsesText(VLLM_CALL, 1, "output_text"));
    expect(second.message.tool_calls ?? []).toEqual([]);
    expect(second.done_reason).toBe("stop");
  });

  it("a chat stream cut off after reasoning (020, partial recording): the thinking, then one error line (rule 42)", async () => {
    const file = "020-vllm-v1-chat-stream-reasoning-content.txt";
    const { running } = await overServer(
      { flavor: "vllm" },
      recorded(file, 0, { path: "/v1/chat/completions" }),
    );
    let thinking = "";
    const error = await thrown(async () => {
      for await (const line of await ollamaOn(running).chat({
        model: MODEL,
        messages: [{ role: "user", content: "How do I search the docs?" }],
        stream: true,
      })) {
        thinking += line.message.thinking ?? "";
      }
    });
    expect(thinking).toBe(joined(file, 0, (o) => o.choices?.[0]?.delta?.reasoning_content));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/ended before the server said it was finished/);
  });

  it("a HarmonyError HTTP 500 (023): ollama-js gets the status and the message", async () => {
    const { running } = await overServer(
      { flavor: "vllm" },
      recorded("023-vllm-v1-chat-500-harmonyerror.txt", 0, { path: "/v1/chat/completions" }),
    );
    const error = await thrown(() =>
      ollamaOn(running).chat({ model: MODEL, messages: [{ role: "user", content: "Hi" }], stream: false }),
    );
    expect(error).toMatchObject({ name: "ResponseError", status_code: 503 });
    expect((error as Error).message).toContain("Unexpected token 200002 while expecting start token 200006");
  });
});

const LLAMA_TOOLS = "033-llamaserver-v1-chat-stream-toolcall.txt";
const LLAMA_WHOLE = "030-llamaserver-v1-chat-nonstream.txt";

describe("ollama-js against the gateway in front of llama-server (recorded)", () => {
  it("chat stream with a tool: fragments become one whole call, then the round trip's answer (033; rule 40)", async () => {
    const recordedTools = recordedBody(LLAMA_TOOLS).tools as Json[];
    const { upstream, running } = await overServer(
      { flavor: "llama-server" },
      recorded(LLAMA_TOOLS, 0, {
        expect: sent((body) => {
          expect(body.messages).toEqual(recordedBody(LLAMA_TOOLS).messages);
          // the recorded client's tool, without its `strict: false`
          const { strict: _strict, ...definition } = recordedTools[0].function;
          expect(body.tools).toEqual([{ type: "function", function: definition }]);
        }),
      }),
    );
    const tools = [{ type: "function", function: WEATHER }];
    const messages = [
      { role: "system", content: HELPFUL },
      { role: "user", content: FLORENCE },
    ];
    const ollama = ollamaOn(running);
    let thinking = "";
    const calls: Json[] = [];
    const lines = [];
    for await (const line of await ollama.chat({ model: MODEL, messages, tools, stream: true })) {
      lines.push(line);
      thinking += line.message.thinking ?? "";
      calls.push(...(line.message.tool_calls ?? []));
    }
    const reasoning = joined(LLAMA_TOOLS, 0, (o) => o.choices?.[0]?.delta?.reasoning_content);
    expect(thinking).toBe(reasoning);
    expect(calls).toEqual([
      expect.objectContaining({
        function: expect.objectContaining({ name: "weather", arguments: { location: "Florence, Italy" } }),
      }),
    ]);
    expect(lines.at(-1)).toMatchObject({
      done: true,
      done_reason: "stop",
      prompt_eval_count: 139,
      eval_count: 41,
    });

    const turn2 = recordedBody(LLAMA_TOOLS, 1).messages as Json[];
    upstream.add(
      recorded(LLAMA_TOOLS, 1, {
        expect: sent((body) => {
          // the recorded client's turn 2 exactly, but for the call id (ours)
          const id = body.messages[2]?.tool_calls?.[0]?.id;
          expect(id).toMatch(/^call_/);
          expect(body.messages).toEqual([
            ...turn2.slice(0, 2),
            { ...turn2[2], tool_calls: [{ ...turn2[2].tool_calls[0], id }] },
            { ...turn2[3], tool_call_id: id },
          ]);
        }),
      }),
    );
    const second = await ollama.chat({
      model: MODEL,
      tools,
      stream: false,
      messages: [
        ...messages,
        { role: "assistant", content: "", thinking, tool_calls: calls },
        { role: "tool", content: "40 C", tool_name: "weather" },
      ],
    });
    expect(second.message.content).toBe(joined(LLAMA_TOOLS, 1, (o) => o.choices?.[0]?.delta?.content));
    expect(second.done_reason).toBe("stop");
  });

  it("generate with a system prompt: reasoning_content as thinking, content as the response (030)", async () => {
    const { running } = await overServer(
      { flavor: "llama-server", streaming: false },
      recorded(LLAMA_WHOLE, 0, {
        expect: sent((body) => expect(body.messages).toEqual(recordedBody(LLAMA_WHOLE).messages)),
      }),
    );
    const reply = await ollamaOn(running).generate({
      model: MODEL,
      system: HELPFUL,
      prompt: "Say hi in Portuguese",
      stream: false,
    });
    const [answer] = recordedObjects(LLAMA_WHOLE);
    expect(reply.thinking).toBe(answer.choices[0].message.reasoning_content);
    expect(reply.response).toBe("Olá!");
    expect(reply).toMatchObject({ done: true, done_reason: "stop", prompt_eval_count: 84, eval_count: 47 });
  });

  it("a peg-native parse failure HTTP 500 (037): ollama-js gets the status and the message", async () => {
    const { running } = await overServer(
      { flavor: "llama-server" },
      recorded("037-llamaserver-500-peg-native.txt", 0, { path: "/v1/chat/completions" }),
    );
    const error = await thrown(async () => {
      for await (const _ of await ollamaOn(running).generate({
        model: MODEL,
        prompt: "Refactor",
        stream: true,
      }));
    });
    expect(error).toMatchObject({ name: "ResponseError", status_code: 503 });
    expect((error as Error).message).toContain("does not match the expected peg-native format");
  });
});

const LMSTUDIO = "040-lmstudio-v1-chat-nonstream-toolcall.txt";

describe("the openai Responses API against the gateway in front of LM Studio (recorded)", () => {
  it("a function_call item with the reasoning before it, then the round trip's answer (040; rules 31, 35)", async () => {
    // LM Studio's log has no HTTP status line: it is given here, as in the backend tests.
    const reply = { status: 200, headers: { "content-type": "application/json" } };
    const turn1 = recordedBody(LMSTUDIO, 0);
    const { upstream, running } = await overServer(
      { flavor: "lmstudio", streaming: false, model: "gpt-oss-20b" },
      recorded(LMSTUDIO, 0, {
        ...reply,
        expect: sent((body) => {
          expect(body.messages).toEqual(turn1.messages);
          expect(body.tools).toEqual(turn1.tools);
        }),
      }),
    );
    const openai = openaiOn(running);
    const definition = turn1.tools[0].function;
    const tools = [{ type: "function" as const, strict: false, ...definition }];
    const first = await openai.responses
      .stream({
        model: MODEL,
        instructions: turn1.messages[0].content,
        input: turn1.messages[1].content,
        tools,
      })
      .finalResponse();
    const [answer1] = recordedObjects(LMSTUDIO, 0);
    const recordedCall = answer1.choices[0].message.tool_calls[0];
    expect(first.status).toBe("completed");
    expect(first.output.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
    const call = first.output[1];
    if (call?.type !== "function_call") throw new Error("no function call");
    expect(call.name).toBe("say_to_user");
    expect(JSON.parse(call.arguments)).toEqual(JSON.parse(recordedCall.function.arguments));
    expect(first.output[0]?.type === "reasoning" ? first.output[0].content?.[0]?.text : "").toBe(
      answer1.choices[0].message.reasoning,
    );

    upstream.add(
      recorded(LMSTUDIO, 1, {
        ...reply,
        expect: sent((body) => {
          const [system, user, assistant, result] = body.messages;
          expect([system, user]).toEqual(turn1.messages);
          expect(assistant).toMatchObject({
            role: "assistant",
            tool_calls: [{ type: "function", function: { name: "say_to_user", arguments: call.arguments } }],
          });
          expect(result).toEqual({ role: "tool", content: "DONE", tool_call_id: assistant.tool_calls[0].id });
        }),
      }),
    );
    const second = await openai.responses.create({
      model: MODEL,
      instructions: turn1.messages[0].content,
      tools,
      input: [
        { role: "user", content: turn1.messages[1].content },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: "function_call_output", call_id: call.call_id, output: "DONE" },
      ],
    });
    const [answer2] = recordedObjects(LMSTUDIO, 1);
    expect(second.status).toBe("completed");
    expect(second.output_text).toBe(answer2.choices[0].message.content);
  });
});
