/**
 * The repairs a generation's finish part lists are counted in /metrics by kind
 * (`gateway:repairs_total{model_name,kind}`) and written on the request's access log line, whatever the
 * protocol. First with a scripted backend whose finish carries repairs; then with a backend that streams real
 * malformed output (a stripped reply, a call leaked into the answer: test/fixtures/harmony-repairs 01 and 14)
 * through the lenient parser and the repairs every backend ends with (checkedParts).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Part } from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedParts } from "../../packages/overtone/src/backends/checked-parts.js";
import { functionTools } from "../../packages/overtone/src/backends/gpt-oss-profile.js";
import { WirePartsBuilder } from "../../packages/overtone/src/backends/openai-compatible/wire-parts.js";
import { type AccessLogEntry, createGateway } from "../../packages/overtone/src/gateway/gateway.js";
import { finish, modelMessage, servedModel } from "./parts-fixtures.js";
import { scriptedBackend } from "./scripted-backend.js";

const repaired = scriptedBackend(() => [
  ...modelMessage("final", "m0", ["Hello!"], { terminator: "return" }),
  {
    ...finish("stop", { inputTokens: 5, outputTokens: 3 }),
    repairs: [
      { kind: "stripped-special-tokens" },
      { kind: "missing-end", detail: "<|start|> inside a message" },
      { kind: "missing-end", detail: "<|channel|> inside a message" },
    ],
  },
]);

/** A chat server's reply `content` (no Harmony parsing on its side), as the chat-route backends read it. */
function fromContent(content: string): Part[] {
  const parts: Part[] = [];
  const builder = new WirePartsBuilder((part) => parts.push(part));
  builder.content(content);
  builder.finish({ reason: "stop" });
  return parts;
}

const malformed = scriptedBackend(() => []);
// Real outputs through the real repair path: the script is the backend's own stream, checked.
malformed.stream = async function* (request) {
  malformed.requests.push(request);
  // The gateway hands the request's tools on in the developer message, where checkedParts finds them too.
  const raw =
    functionTools(request).length === 0
      ? 'analysisWe need to answer "What is 2+2? Answer in one word." The answer is "four".\nWe should output only that word. And nothing else.assistantfinalfour'
      : '[{ "name": "get_weather", "parameters": { "city": "Berlin" } }]';
  yield* checkedParts(
    (async function* () {
      yield* fromContent(raw);
    })(),
    request,
  );
};

const log: AccessLogEntry[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const gateway = createGateway({
    models: [
      servedModel({ name: "toy", backend: repaired }),
      servedModel({ name: "real", backend: malformed }),
    ],
    log: (entry) => log.push(entry),
  });
  server = createServer(gateway.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const metrics = async () => (await fetch(`${base}/metrics`)).text();
const count = (text: string, model: string, kind: string) =>
  Number(
    new RegExp(`gateway:repairs_total\\{model_name="${model}",kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
  );

describe("repairs in /metrics and the access log", () => {
  it("counts each repair on the finish part by kind, in every protocol, and logs them", async () => {
    const messages = [{ role: "user", content: "hi" }];
    expect((await post("/v1/chat/completions", { model: "toy", messages })).status).toBe(200);
    expect((await post("/api/chat", { model: "toy", messages, stream: false })).status).toBe(200);
    const streamed = await post("/v1/responses", { model: "toy", input: "hi", stream: true });
    await streamed.text();
    const text = await metrics();
    expect(count(text, "toy", "stripped-special-tokens")).toBe(3);
    expect(count(text, "toy", "missing-end")).toBe(6);
    const logged = log.filter((entry) => entry.model === "toy");
    expect(logged).toHaveLength(3);
    for (const entry of logged) {
      expect(entry.repairs).toEqual([
        "stripped-special-tokens",
        "missing-end: <|start|> inside a message",
        "missing-end: <|channel|> inside a message",
      ]);
    }
  });

  it("counts the repairs of real malformed output on its way through a backend", async () => {
    const stripped = await post("/v1/chat/completions", {
      model: "real",
      messages: [{ role: "user", content: "What is 2+2? Answer in one word." }],
    });
    const body = (await stripped.json()) as {
      choices: { message: { content: string; reasoning?: string } }[];
    };
    expect(body.choices[0]?.message.content).toBe("four");
    const leaked = await post("/v1/chat/completions", {
      model: "real",
      messages: [{ role: "user", content: "What's the weather in Berlin right now?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }],
    });
    const call = (await leaked.json()) as {
      choices: {
        message: { tool_calls: { function: { name: string; arguments: string } }[] };
        finish_reason: string;
      }[];
    };
    expect(call.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call.choices[0]?.message.tool_calls[0]?.function).toEqual({
      name: "get_weather",
      arguments: '{"city":"Berlin"}',
    });
    const text = await metrics();
    expect(count(text, "real", "stripped-special-tokens")).toBe(1);
    expect(count(text, "real", "call-leaked-into-final")).toBe(1);
    expect(log.filter((entry) => entry.model === "real").map((entry) => entry.repairs)).toEqual([
      ["stripped-special-tokens"],
      ['call-leaked-into-final: [{ "name": "get_weather", "parameters": { "city": "Berlin" } }]'],
    ]);
  });
});
