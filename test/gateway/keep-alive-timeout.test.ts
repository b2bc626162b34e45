/**
 * Long silences and time limits, through real servers: an upstream speaking the OpenAI chat stream wire
 * (chat-upstream.ts, serving wire/031 with pauses) behind Overtone's openai-compatible backend, the gateway in
 * front, and unchanged clients.
 *
 *   - keep-alives (rule 21): while the model reads a long prompt or reasons without a frame to send, SSE streams
 *     carry `: keep-alive` comments, never a `data:` line, and openai-node (plain stream, stream helpers) and the
 *     AI SDK read them without a parse error; the stream starts (headers sent) without waiting for the first
 *     part; NDJSON streams (Ollama) carry nothing extra;
 *   - the request time limit (GatewayOptions.requestTimeoutMs, `overtone serve --timeout`): a generation still
 *     running is cut, the upstream request closed, and the reply ends the protocol's way with a 504 `timeout`
 *     error — the HTTP status when nothing was sent yet, else the stream's error frame.
 */
import type { ChildProcess } from "node:child_process";
import { createOpenAICompatible as aiSdkProvider } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliAsync } from "../cli/run-cli.js";
import { startServe } from "../cli/serve-process.js";
import { type ChatUpstream, chatUpstream, recordedChatFrames } from "./chat-upstream.js";
import { type RunningGateway, startGateway } from "./gateway-harness.js";

const MODEL = "gpt-oss";
const KEEP_ALIVE = ": keep-alive\n\n";
const CLIENT_DEADLINE_MS = 10_000;

function post(base: string, route: string, body: unknown): Promise<Response> {
  return fetch(`${base}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
  });
}

/** Every SSE event of a reply is a comment, or data that parses (rule 2); returns the events. */
function sseEvents(text: string): string[] {
  const events = text.split(/(?<=\n\n)/).filter((event) => event !== "");
  for (const event of events) {
    if (event.startsWith(":")) {
      expect(event).toBe(KEEP_ALIVE);
      continue;
    }
    const data = /^(?:event: [\w.]+\n)?data: ([^\n]+)\n\n$/.exec(event)?.[1];
    expect(data, event).toBeDefined();
    if (data !== "[DONE]") JSON.parse(data as string);
  }
  return events;
}

describe("keep-alives during long silences (rule 21)", () => {
  let upstream: ChatUpstream;
  let running: RunningGateway;
  beforeAll(async () => {
    // 600 ms before the first frame (reading the prompt), 450 ms in the middle of the reasoning.
    upstream = await chatUpstream(() => ({
      frames: recordedChatFrames(),
      delayMs: (index) => (index === 0 ? 600 : index === 8 ? 450 : 1),
    }));
    running = await startGateway([{ name: MODEL, backend: upstream.backend() }], { keepAliveMs: 100 });
  });
  afterAll(async () => {
    await running.close();
    await upstream.close();
  });

  it("chat completions: comments in the silences, the stream starting before the first part", async () => {
    const started = performance.now();
    const reply = await post(running.base, "/v1/chat/completions", {
      model: MODEL,
      messages: [{ role: "user", content: "Say hi in Portuguese" }],
      stream: true,
    });
    // Headers after one interval of patience, not after the 600 ms prefill.
    expect(performance.now() - started).toBeLessThan(450);
    expect(reply.status).toBe(200);
    const events = sseEvents(await reply.text());
    expect(events.filter((e) => e === KEEP_ALIVE).length).toBeGreaterThanOrEqual(4);
    expect(events[0]).toBe(KEEP_ALIVE); // before the first data: the prefill
    expect(events.at(-1)).toBe("data: [DONE]\n\n");
    // …and between data events: the pause in the reasoning.
    const firstData = events.findIndex((e) => e.startsWith("data: "));
    expect(events.slice(firstData).includes(KEEP_ALIVE)).toBe(true);
  });

  it("responses: comments between the events, the §2.3 sequence intact", async () => {
    const reply = await post(running.base, "/v1/responses", {
      model: MODEL,
      input: "Say hi in Portuguese",
      stream: true,
    });
    const events = sseEvents(await reply.text());
    expect(events.filter((e) => e === KEEP_ALIVE).length).toBeGreaterThanOrEqual(4);
    const data = events.filter((e) => e !== KEEP_ALIVE).map((e) => JSON.parse(e.split("\ndata: ")[1] ?? ""));
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
    expect(data.at(-1).type).toBe("response.completed");
  });

  it("Ollama streams get no keep-alive: every line is JSON", async () => {
    for (const [route, body] of [
      ["/api/chat", { model: MODEL, messages: [{ role: "user", content: "Say hi" }] }],
      ["/api/generate", { model: MODEL, prompt: "Say hi" }],
    ] as const) {
      const text = await (await post(running.base, route, body)).text();
      const lines = text.split("\n").filter((line) => line !== "");
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      expect(text).not.toContain("keep-alive");
    }
  });

  it("openai-node reads it without a parse error: stream, stream helpers for chat and Responses", async () => {
    const client = new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "none", maxRetries: 0 });
    const options = { signal: AbortSignal.timeout(CLIENT_DEADLINE_MS) };
    const messages = [{ role: "user" as const, content: "Say hi in Portuguese" }];
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true }, options);
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(content).toContain("Olá");
    const helper = client.chat.completions.stream({ model: MODEL, messages }, options);
    const completion = await helper.finalChatCompletion();
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    const response = await client.responses
      .stream({ model: MODEL, input: "Say hi in Portuguese" }, options)
      .finalResponse();
    expect(response.status).toBe("completed");
    expect(response.output_text).toContain("Olá");
  });

  it("the AI SDK reads it without an error part", async () => {
    const provider = aiSdkProvider({ name: "overtone", baseURL: `${running.base}/v1` });
    const result = streamText({
      model: provider(MODEL),
      prompt: "Say hi in Portuguese",
      abortSignal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
    });
    const errors: unknown[] = [];
    let text = "";
    for await (const part of result.fullStream) {
      if (part.type === "error") errors.push(part.error);
      if (part.type === "text-delta") text += part.text;
    }
    expect(errors).toEqual([]);
    expect(text).toContain("Olá");
    expect(await result.finishReason).toBe("stop");
  });
});

describe("the request time limit", () => {
  let upstream: ChatUpstream;
  let running: RunningGateway;
  /** Frames before the upstream goes silent for 10 s; 0: silent before the first. */
  let silentAfter = 4;
  beforeAll(async () => {
    upstream = await chatUpstream(() => ({
      frames: recordedChatFrames(),
      delayMs: (index) => (index === silentAfter ? 10_000 : 1),
    }));
    running = await startGateway([{ name: MODEL, backend: upstream.backend() }], {
      requestTimeoutMs: 300,
      keepAliveMs: 100,
    });
  });
  afterAll(async () => {
    await running.close();
    await upstream.close();
  });

  /** Runs a request whose upstream goes silent; the upstream request must be closed by the cut. */
  async function cut(route: string, body: unknown): Promise<Response> {
    const before = upstream.requests.length;
    const started = performance.now();
    const reply = await post(running.base, route, body);
    const text = await reply.text();
    expect(performance.now() - started).toBeLessThan(2000);
    await upstream.requests[before]?.settled;
    expect(upstream.requests[before]?.closedEarly).toBe(true);
    return new Response(text, { status: reply.status, headers: reply.headers });
  }
  const messages = [{ role: "user", content: "Say hi in Portuguese" }];

  it("chat completions stream: the timeout error frame, then [DONE] (rule 23)", async () => {
    silentAfter = 4;
    const reply = await cut("/v1/chat/completions", { model: MODEL, messages, stream: true });
    expect(reply.status).toBe(200);
    const events = sseEvents(await reply.text()).filter((e) => e !== KEEP_ALIVE);
    expect(events.at(-1)).toBe("data: [DONE]\n\n");
    const error = JSON.parse(events.at(-2)?.slice(6) ?? "");
    expect(error).toEqual({
      error: {
        message: "the request took longer than the gateway's limit of 0.3 s",
        type: "server_error",
        param: null,
        code: "timeout",
      },
    });
  });

  it("responses stream: response.failed with the timeout's message", async () => {
    silentAfter = 4;
    const reply = await cut("/v1/responses", { model: MODEL, input: "Say hi", stream: true });
    const events = sseEvents(await reply.text()).filter((e) => e !== KEEP_ALIVE);
    const last = JSON.parse(events.at(-1)?.split("\ndata: ")[1] ?? "");
    expect(last.type).toBe("response.failed");
    expect(last.response.error.message).toContain("limit of 0.3 s");
  });

  it("Ollama streams: one error line, then the end", async () => {
    silentAfter = 4;
    for (const [route, body] of [
      ["/api/chat", { model: MODEL, messages }],
      ["/api/generate", { model: MODEL, prompt: "Say hi" }],
    ] as const) {
      const lines = (await (await cut(route, body)).text()).split("\n").filter((l) => l !== "");
      expect(JSON.parse(lines.at(-1) ?? "")).toEqual({
        error: "the request took longer than the gateway's limit of 0.3 s",
      });
      expect(lines.slice(0, -1).every((line) => JSON.parse(line).done === false)).toBe(true);
    }
  });

  it("non-stream requests: 504 in each protocol's shape", async () => {
    silentAfter = 4;
    const openai = await cut("/v1/chat/completions", { model: MODEL, messages });
    expect(openai.status).toBe(504);
    expect(await openai.json()).toMatchObject({ error: { code: "timeout", type: "server_error" } });
    const ollama = await cut("/api/chat", { model: MODEL, messages, stream: false });
    expect(ollama.status).toBe(504);
    expect(await ollama.json()).toEqual({
      error: "the request took longer than the gateway's limit of 0.3 s",
    });
  });

  it("openai-node sees the timeout as an APIError, not a hang", async () => {
    silentAfter = 4;
    const client = new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "none", maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true },
      { signal: AbortSignal.timeout(CLIENT_DEADLINE_MS) },
    );
    const failure = await (async () => {
      for await (const _chunk of stream);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toContain("limit of 0.3 s");
  });
});

describe("overtone serve --timeout", () => {
  let upstream: ChatUpstream;
  let child: ChildProcess;
  let base: string;
  beforeAll(async () => {
    upstream = await chatUpstream(() => ({
      frames: recordedChatFrames(),
      delayMs: (index) => (index === 4 ? 10_000 : 1),
    }));
    const serve = await startServe([
      ...["--backend", "openai", "--url", `${upstream.url}/v1`, "--model", MODEL],
      ...["--timeout", "0.4"],
    ]);
    child = serve.child;
    base = serve.base;
  }, 60_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await upstream.close();
  });

  it("ends a stream still running after --timeout seconds with the timeout error frame", async () => {
    const reply = await post(base, "/v1/chat/completions", {
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const events = sseEvents(await reply.text()).filter((e) => e !== KEEP_ALIVE);
    expect(events.at(-1)).toBe("data: [DONE]\n\n");
    expect(JSON.parse(events.at(-2)?.slice(6) ?? "")).toMatchObject({
      error: { code: "timeout", message: "the request took longer than the gateway's limit of 0.4 s" },
    });
  });

  it("refuses a --timeout that is not a positive number of seconds", async () => {
    const refused = await runCliAsync(["serve", "--model", "toy", "--timeout", "soon"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--timeout: expected a positive number of seconds, found "soon"');
  });
});
