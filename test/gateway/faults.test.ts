/**
 * The gateway when things go wrong (issue 14, Must show: fault and bad-input tests). Real node:http servers on
 * both sides: a tiny upstream speaking the OpenAI chat stream wire (chat-upstream.ts, serving wire/031) behind
 * Overtone's openai-compatible backend, and the gateway in front of it.
 *
 *   - an upstream killed in the middle of a stream: every client protocol gets its error frame and a closed
 *     stream (rules 23, 28, 42), never a hang;
 *   - a client that leaves in the middle: the upstream request is closed too (the model stops working for
 *     nobody);
 *   - bad requests: malformed JSON, wrong types (400 naming the field, rule 22), invalid roles, bodies past the
 *     limit (413, also when streamed without a length), unknown models (404, rule 26) — each in its protocol's
 *     shape.
 *
 * Every client call carries its own deadline, so a hang fails the test instead of stalling it.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatUpstream, chatUpstream, recordedChatFrames } from "./chat-upstream.js";
import { type RunningGateway, startGateway } from "./gateway-harness.js";

const CLIENT_DEADLINE_MS = 5000;
const MODEL = "gpt-oss";
const hi = [{ role: "user", content: "Say hi in Portuguese" }];

/** Each client protocol's stream request, and how its stream must end after an upstream failure. */
const STREAMS = [
  {
    route: "/v1/chat/completions",
    body: { model: MODEL, messages: hi, stream: true },
    failedEnd(frames: string[]) {
      expect(frames.at(-1)).toBe("data: [DONE]\n\n");
      const error = JSON.parse((frames.at(-2) ?? "").replace(/^data: /, ""));
      expect(error).toEqual({
        error: expect.objectContaining({ type: "server_error", code: "upstream_error" }),
      });
      expect(error.error.message).not.toBe("");
    },
  },
  {
    route: "/v1/responses",
    body: { model: MODEL, input: "Say hi in Portuguese", stream: true },
    failedEnd(frames: string[]) {
      const last = frames.at(-1) ?? "";
      expect(last).toMatch(/^event: response\.failed\ndata: /);
      const payload = JSON.parse(last.split("\ndata: ")[1] ?? "");
      expect(payload.response.status).toBe("failed");
      expect(payload.response.error).toEqual({ code: "server_error", message: expect.any(String) });
      expect(frames.filter((f) => /^event: response\.(completed|incomplete|failed)\n/.test(f))).toHaveLength(
        1,
      );
    },
  },
  {
    route: "/api/chat",
    body: { model: MODEL, messages: hi },
    failedEnd(frames: string[]) {
      const last = JSON.parse(frames.at(-1) ?? "");
      expect(Object.keys(last)).toEqual(["error"]);
      expect(typeof last.error).toBe("string");
      expect(frames.slice(0, -1).every((line) => !("error" in JSON.parse(line)))).toBe(true);
    },
  },
  {
    route: "/api/generate",
    body: { model: MODEL, prompt: "Say hi in Portuguese" },
    failedEnd(frames: string[]) {
      const last = JSON.parse(frames.at(-1) ?? "");
      expect(Object.keys(last)).toEqual(["error"]);
      expect(frames.slice(0, -1).every((line) => !("error" in JSON.parse(line)))).toBe(true);
    },
  },
] as const;

/** A stream reply split into its frames: SSE events (`…\n\n`) or NDJSON lines. */
async function framesOf(reply: Response): Promise<string[]> {
  const text = await reply.text();
  if ((reply.headers.get("content-type") ?? "").startsWith("text/event-stream"))
    return text.split(/(?<=\n\n)/).filter((frame) => frame !== "");
  return text.split("\n").filter((line) => line !== "");
}

function post(base: string, route: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: signal ?? AbortSignal.timeout(CLIENT_DEADLINE_MS),
  });
}

describe("an upstream killed in the middle of a stream", () => {
  let upstream: ChatUpstream;
  let running: RunningGateway;
  beforeAll(async () => {
    // 031 has ~40 frames: reasoning, then the answer. Cut after 12 (inside the reasoning).
    upstream = await chatUpstream(() => ({ frames: recordedChatFrames(), cutAfter: 12, delayMs: 1 }));
    running = await startGateway([{ name: MODEL, backend: upstream.backend() }]);
  });
  afterAll(async () => {
    await running.close();
    await upstream.close();
  });

  for (const stream of STREAMS) {
    it(`${stream.route}: the protocol's error frame, then the stream closes`, async () => {
      const reply = await post(running.base, stream.route, stream.body);
      expect(reply.status).toBe(200);
      const frames = await framesOf(reply);
      expect(frames.length).toBeGreaterThan(2); // something streamed before the cut
      stream.failedEnd(frames);
    });
  }

  it("openai-node's stream throws an APIError on it instead of hanging", async () => {
    const client = new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "none", maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: [{ role: "user", content: "Say hi in Portuguese" }], stream: true },
      { signal: AbortSignal.timeout(CLIENT_DEADLINE_MS) },
    );
    const failure = await (async () => {
      for await (const _chunk of stream);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });

  it("a non-stream request gets a 5xx in its protocol's shape", async () => {
    const openai = await post(running.base, "/v1/chat/completions", { model: MODEL, messages: hi });
    expect(openai.status).toBeGreaterThanOrEqual(500);
    expect(((await openai.json()) as { error: { code: string } }).error.code).toBe("upstream_error");
    const ollama = await post(running.base, "/api/chat", { model: MODEL, messages: hi, stream: false });
    expect(ollama.status).toBeGreaterThanOrEqual(500);
    expect(typeof ((await ollama.json()) as { error: unknown }).error).toBe("string");
  });
});

describe("a client that leaves in the middle of a stream", () => {
  let upstream: ChatUpstream;
  let running: RunningGateway;
  beforeAll(async () => {
    // Two frames, then 10 s of silence (a model thinking): the client leaves during it. Only the abort can
    // close the upstream request then — the backend itself is waiting for the next frame.
    upstream = await chatUpstream(() => ({
      frames: recordedChatFrames(),
      delayMs: (index) => (index === 2 ? 10_000 : 1),
    }));
    running = await startGateway([{ name: MODEL, backend: upstream.backend() }]);
  });
  afterAll(async () => {
    await running.close();
    await upstream.close();
  });

  for (const stream of STREAMS) {
    it(`${stream.route}: the upstream request is closed too`, async () => {
      const before = upstream.requests.length;
      const leave = new AbortController();
      const reply = await post(running.base, stream.route, stream.body, leave.signal);
      const reader = (reply.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await new Promise((resolve) => setTimeout(resolve, 100)); // into the silence
      leave.abort();
      await reader.read().catch(() => undefined);
      const request = upstream.requests[before];
      expect(request).toBeDefined();
      const settledInTime = await Promise.race([
        request?.settled.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 2000)),
      ]);
      expect(settledInTime).toBe(true);
      expect(request?.closedEarly).toBe(true);
    });
  }
});

describe("bad requests, in each protocol's shape", () => {
  let running: RunningGateway;
  let upstream: ChatUpstream;
  beforeAll(async () => {
    upstream = await chatUpstream(() => ({ frames: recordedChatFrames() }));
    running = await startGateway([{ name: MODEL, backend: upstream.backend() }], {
      bodyLimitBytes: 64 * 1024,
    });
  });
  afterAll(async () => {
    await running.close();
    await upstream.close();
  });

  /** An OpenAI error body (rule 22): status, `application/json`, the four fields. */
  async function openAIError(reply: Response, status: number) {
    expect(reply.status).toBe(status);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await reply.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    return body.error;
  }
  /** An Ollama error body (§4.5): status, `application/json`, `{"error": "<string>"}`. */
  async function ollamaError(reply: Response, status: number): Promise<string> {
    expect(reply.status).toBe(status);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await reply.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["error"]);
    expect(typeof body.error).toBe("string");
    return body.error as string;
  }

  const OPENAI_ROUTES = ["/v1/chat/completions", "/v1/responses"];
  const OLLAMA_ROUTES = ["/api/chat", "/api/generate"];

  it("refuses malformed JSON with 400 (and an empty body, and a body that is not an object)", async () => {
    for (const route of OPENAI_ROUTES) {
      const error = await openAIError(await post(running.base, route, '{"model": "gpt-oss", '), 400);
      expect(error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
      expect(error.message).toContain("not valid JSON");
      await openAIError(await post(running.base, route, ""), 400);
      await openAIError(await post(running.base, route, "[1, 2]"), 400);
    }
    for (const route of OLLAMA_ROUTES) {
      expect(await ollamaError(await post(running.base, route, "{nope"), 400)).toContain("not valid JSON");
      await ollamaError(await post(running.base, route, ""), 400);
      await ollamaError(await post(running.base, route, '"text"'), 400);
    }
  });

  it("refuses fields of the wrong type with 400 naming the field", async () => {
    const cases: [string, unknown, string][] = [
      ["/v1/chat/completions", { model: MODEL, messages: "hi" }, "messages"],
      ["/v1/chat/completions", { model: 5, messages: hi }, "model"],
      ["/v1/chat/completions", { model: MODEL, messages: hi, temperature: "hot" }, "temperature"],
      ["/v1/chat/completions", { model: MODEL, messages: hi, max_tokens: "x" }, "max_tokens"],
      ["/v1/chat/completions", { model: MODEL, messages: hi, stream: "yes" }, "stream"],
      ["/v1/chat/completions", { model: MODEL, messages: hi, tools: {} }, "tools"],
      [
        "/v1/chat/completions",
        { model: MODEL, messages: [{ role: "user", content: 5 }] },
        "messages[0].content",
      ],
      ["/v1/responses", { model: MODEL, input: 5 }, "input"],
      ["/v1/responses", { model: MODEL, input: "hi", instructions: 5 }, "instructions"],
      ["/v1/responses", { model: MODEL, input: "hi", max_output_tokens: "x" }, "max_output_tokens"],
    ];
    for (const [route, body, param] of cases) {
      const error = await openAIError(await post(running.base, route, body), 400);
      expect(error, `${route} ${JSON.stringify(body)}`).toMatchObject({
        type: "invalid_request_error",
        param,
      });
      expect(error.message).toContain(param);
    }
    const ollamaCases: [string, unknown, string][] = [
      ["/api/chat", { model: MODEL, messages: {} }, "messages"],
      ["/api/chat", { model: MODEL, messages: hi, options: { temperature: "x" } }, "options.temperature"],
      ["/api/chat", { model: MODEL, messages: hi, think: "very" }, "invalid think value"],
      ["/api/generate", { model: MODEL, prompt: 5 }, "prompt"],
      ["/api/generate", { model: MODEL, prompt: "x", system: [] }, "system"],
    ];
    for (const [route, body, named] of ollamaCases)
      expect(await ollamaError(await post(running.base, route, body), 400)).toContain(named);
    expect(upstream.requests).toHaveLength(0);
  });

  it("refuses roles that do not exist with 400", async () => {
    const wizard = [{ role: "wizard", content: "hi" }];
    for (const [route, body] of [
      ["/v1/chat/completions", { model: MODEL, messages: wizard }],
      ["/v1/responses", { model: MODEL, input: wizard }],
    ] as const) {
      const error = await openAIError(await post(running.base, route, body), 400);
      expect(error.param).toMatch(/^(messages|input)\[0\]\.role$/);
      expect(error.message).toContain(`${error.param}`);
    }
    expect(
      await ollamaError(await post(running.base, "/api/chat", { model: MODEL, messages: wizard }), 400),
    ).toContain("wizard");
    expect(upstream.requests).toHaveLength(0);
  });

  it("refuses a body past the limit with 413, declared or streamed without a length", async () => {
    const big = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "x".repeat(200_000) }] });
    for (const route of [...OPENAI_ROUTES, ...OLLAMA_ROUTES]) {
      const declared = await post(running.base, route, big);
      if (route.startsWith("/v1/")) {
        expect((await openAIError(declared, 413)).code).toBe("request_too_large");
      } else {
        expect(await ollamaError(declared, 413)).toContain("larger than");
      }
      // Chunked, 16 MB in 64 KiB pieces, no content-length: refused once the limit is passed, not read whole.
      const streamed = await fetch(`${running.base}${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: endlessJson(16 * 2 ** 20),
        duplex: "half",
        signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
      } as RequestInit);
      if (route.startsWith("/v1/")) expect((await openAIError(streamed, 413)).code).toBe("request_too_large");
      else expect(await ollamaError(streamed, 413)).toContain("larger than");
    }
  });

  it("answers an unknown model with 404 on every route (rule 26)", async () => {
    for (const [route, body] of [
      ["/v1/chat/completions", { model: "nope", messages: hi }],
      ["/v1/chat/completions", { model: "nope", messages: hi, stream: true }],
      ["/v1/responses", { model: "nope", input: "hi" }],
      ["/v1/responses", { model: "nope", input: "hi", stream: true }],
    ] as const) {
      const error = await openAIError(await post(running.base, route, body), 404);
      expect(error).toMatchObject({ code: "model_not_found", param: "model", type: "not_found_error" });
      expect(error.message).toContain("nope");
    }
    const one = await fetch(`${running.base}/v1/models/nope`);
    expect((await openAIError(one, 404)).code).toBe("model_not_found");
    for (const [route, body] of [
      ["/api/chat", { model: "nope", messages: hi }],
      ["/api/generate", { model: "nope", prompt: "hi" }],
      ["/api/show", { model: "nope" }],
    ] as const) {
      expect(await ollamaError(await post(running.base, route, body), 404)).toMatch(
        /^model 'nope' not found/,
      );
    }
  });
});

/** A JSON body of `bytes` bytes as a stream (no content-length): a huge string value, written lazily. */
function endlessJson(bytes: number): ReadableStream<Uint8Array> {
  const piece = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"model": "gpt-oss", "prompt": "'));
    },
    pull(controller) {
      if (sent >= bytes) {
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
        return;
      }
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
}
