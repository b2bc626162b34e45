/**
 * The gateway's own behaviour, protocol by protocol but independent of the model: routes, request ids, API keys,
 * CORS, limits, errors in each protocol's shape, the upstream failure that arrives before any byte, and metrics
 * (gateway.md §8 rules 22, 24–26, 42–43, 49). A real node:http server on a free port, a scripted backend.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BackendError } from "@overtone/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccessLogEntry, createGateway } from "../../packages/overtone/src/gateway/gateway.js";
import type { ServedModel } from "../../packages/overtone/src/gateway/protocol.js";
import { answerParts, scriptedBackend } from "./scripted-backend.js";

const served = (
  name: string,
  backend = scriptedBackend(() => answerParts("Think.", "Hi!")),
): ServedModel => ({
  name,
  backend,
  reasoningField: "reasoning",
  defaults: {},
  since: new Date("2026-12-01T00:00:00Z"),
});

const failing = scriptedBackend(() => [
  {
    type: "error",
    error: new BackendError("cannot reach http://127.0.0.1:9/v1: connection refused", {
      url: "http://127.0.0.1:9/v1",
      retryable: true,
    }),
  },
]);

const log: AccessLogEntry[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const gateway = createGateway({
    models: [served("toy"), served("down", failing)],
    apiKeys: ["sekret"],
    corsOrigins: ["http://app.example"],
    bodyLimitBytes: 64 * 1024,
    log: (entry) => log.push(entry),
  });
  server = createServer(gateway.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** An error reply's body, in either protocol's shape. */
interface ErrorReply {
  error: { message: string; type?: string; code?: string; param?: string } & string;
}
const errorOf = async (reply: Response) => ((await reply.json()) as ErrorReply).error;

const auth = { authorization: "Bearer sekret", "content-type": "application/json" };
const chat = (body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${base}/v1/chat/completions`, { method: "POST", headers, body: JSON.stringify(body) });

describe("the gateway core", () => {
  it("answers health and metrics without a key, and lists models under their public names", async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok", models: ["toy", "down"] });
    const models = (await (await fetch(`${base}/v1/models`, { headers: auth })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m: { id: string }) => m.id)).toEqual(["toy", "down"]);
    expect(models.data[0]).toEqual({ id: "toy", object: "model", created: 1796083200, owned_by: "overtone" });
    const one = await fetch(`${base}/v1/models/toy`, { headers: auth });
    expect(((await one.json()) as { id: string }).id).toBe("toy");
  });

  it("refuses a missing or wrong key with 401 in the OpenAI shape, and says what to send", async () => {
    const missing = await chat({ model: "toy", messages: [] }, { "content-type": "application/json" });
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as { error: { message: string } };
    expect(body.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    expect(body.error.message).toContain("Authorization: Bearer");
    expect((await chat({}, { authorization: "Bearer nope" })).status).toBe(401);
  });

  it("gives every reply an x-request-id, the client's own when it sent one, and logs it", async () => {
    const mine = await fetch(`${base}/health`, { headers: { "x-request-id": "req-42" } });
    expect(mine.headers.get("x-request-id")).toBe("req-42");
    expect(log.some((entry) => entry.request_id === "req-42" && entry.path === "/health")).toBe(true);
    const made = await chat({ model: "nope", messages: [{ role: "user", content: "hi" }] });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers an unknown model with 404 in each protocol's shape (rule 26)", async () => {
    const openai = await chat({ model: "nope", messages: [{ role: "user", content: "hi" }] });
    expect(openai.status).toBe(404);
    expect(await errorOf(openai)).toMatchObject({ code: "model_not_found", param: "model" });
    const ollama = await fetch(`${base}/api/chat`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ model: "nope", messages: [{ role: "user", content: "hi" }], stream: false }),
    });
    expect(ollama.status).toBe(404);
    expect(await errorOf(ollama)).toMatch(/^model 'nope' not found/);
  });

  it("refuses malformed JSON with 400 and a body past the limit with 413, never reading it all", async () => {
    const bad = await fetch(`${base}/v1/chat/completions`, { method: "POST", headers: auth, body: "{nope" });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain("not valid JSON");
    const huge = await chat({ model: "toy", messages: [{ role: "user", content: "x".repeat(100_000) }] });
    expect(huge.status).toBe(413);
    expect(huge.headers.get("x-should-retry")).toBe("false");
  });

  it("answers an upstream that fails before any byte with 503 and retry-after (rule 24)", async () => {
    const reply = await chat({ model: "down", messages: [{ role: "user", content: "hi" }], stream: true });
    expect(reply.status).toBe(503);
    expect(reply.headers.get("retry-after")).toBe("1");
    expect(reply.headers.get("retry-after-ms")).toBe("1000");
    expect(await errorOf(reply)).toMatchObject({ code: "upstream_error", type: "server_error" });
  });

  it("passes prompt_cache_key, else Open WebUI's chat id, on as the session key (rule 48)", async () => {
    const backend = scriptedBackend(() => answerParts("Think.", "Hi!"));
    const gateway = createGateway({ models: [served("s", backend)] });
    const local = createServer(gateway.handle);
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    const at = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    try {
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${at}${path}`, { method: "POST", headers, body: JSON.stringify(body) }).then((r) => r.text());
      const messages = [{ role: "user", content: "hi" }];
      await post("/v1/chat/completions", { model: "s", messages, prompt_cache_key: "conv-7" });
      await post("/v1/responses", { model: "s", input: "hi", prompt_cache_key: "conv-8" });
      await post("/api/chat", { model: "s", messages, stream: false }, { "x-openwebui-chat-id": "owui-9" });
      await post("/v1/chat/completions", { model: "s", messages });
      expect(backend.requests.map((r) => r.sessionKey)).toEqual(["conv-7", "conv-8", "owui-9", undefined]);
    } finally {
      await new Promise((resolve) => local.close(resolve));
    }
  });

  it("answers Ollama's probes and CORS preflights for listed origins only", async () => {
    const root = await fetch(`${base}/`, { headers: auth });
    expect(await root.text()).toBe("Ollama is running");
    const head = await fetch(`${base}/api/version`, { method: "HEAD", headers: auth });
    expect(head.status).toBe(200);
    const preflight = await fetch(`${base}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "http://app.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://app.example");
    const other = await fetch(`${base}/health`, { headers: { origin: "http://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("counts requests, finish reasons, tokens and upstream errors in /metrics (rule 49)", async () => {
    const reply = await chat({ model: "toy", messages: [{ role: "user", content: "hi" }] });
    expect(reply.status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/gateway:request_success_total\{model_name="toy",finished_reason="stop"\} [1-9]/);
    expect(text).toMatch(/gateway:reasoning_tokens_total\{model_name="toy"\} [1-9]/);
    expect(text).toMatch(/gateway:upstream_errors_total\{model_name="down",backend="scripted"\} [1-9]/);
    expect(text).toMatch(/gateway:time_to_first_token_seconds_count\{model_name="toy"\} [1-9]/);
    expect(text).toMatch(/gateway:requests_total\{route="chat_completions",status="200"\} [1-9]/);
  });
});
