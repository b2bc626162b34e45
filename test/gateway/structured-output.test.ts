/**
 * Structured output through the gateway (issue 14 item 4): each protocol's format field reaches the backend as
 * `GenerateRequest.responseFormat`, and an answer that does not match it is counted in /metrics
 * (`gateway:structured_output_invalid_total{model_name}`) and written on the access log line, the reply itself
 * unchanged (no non-standard field). The scripted backend answers with whatever `answer` holds.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccessLogEntry, createGateway } from "../../packages/overtone/src/gateway/gateway.js";
import { answerParts, servedModel } from "./parts-fixtures.js";
import { scriptedBackend } from "./scripted-backend.js";

let answer = '{"city":"Oslo"}';
const backend = scriptedBackend(() => answerParts("The user wants JSON. Not JSON here.", answer));
const SCHEMA = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};

const log: AccessLogEntry[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const gateway = createGateway({
    models: [servedModel({ name: "json", backend })],
    log: (entry) => log.push(entry),
  });
  server = createServer(gateway.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function post(path: string, body: unknown): Promise<string> {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.text();
}

async function invalidCount(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = /gateway:structured_output_invalid_total\{model_name="json"\} (\d+)/.exec(text);
  return Number(match?.[1] ?? 0);
}

/** The access log lines of generations (not of the /metrics reads between them). */
const generations = () => log.filter((entry) => entry.path !== "/metrics");

const messages = [{ role: "user", content: "Where? Answer in JSON." }];

describe("structured output through the gateway", () => {
  it("passes each protocol's format on as responseFormat", async () => {
    backend.requests.length = 0;
    await post("/v1/chat/completions", {
      model: "json",
      messages,
      response_format: { type: "json_schema", json_schema: { name: "place", schema: SCHEMA, strict: true } },
    });
    await post("/v1/chat/completions", { model: "json", messages, response_format: { type: "json_object" } });
    await post("/v1/chat/completions", { model: "json", messages, response_format: { type: "text" } });
    await post("/v1/responses", {
      model: "json",
      input: "Where?",
      text: { format: { type: "json_schema", name: "place", schema: SCHEMA } },
    });
    await post("/api/chat", { model: "json", messages, format: SCHEMA, stream: false });
    await post("/api/generate", { model: "json", prompt: "Where?", format: "json", stream: false });
    expect(backend.requests.map((request) => request.responseFormat)).toEqual([
      { type: "json_schema", name: "place", schema: SCHEMA, strict: true },
      { type: "json_object" },
      undefined,
      { type: "json_schema", name: "place", schema: SCHEMA },
      { type: "json_schema", schema: SCHEMA },
      { type: "json_object" },
    ]);
  });

  it("counts and logs an answer that fails its format, streamed or not, and leaves the reply alone", async () => {
    const before = await invalidCount();
    log.length = 0;
    answer = '{"city":"Oslo"}';
    await post("/api/chat", { model: "json", messages, format: SCHEMA, stream: false });
    expect(await invalidCount()).toBe(before);
    expect(generations()[0]).not.toHaveProperty("structured_output");

    answer = 'Sure! {"city":"Oslo"}';
    const reply = JSON.parse(
      await post("/v1/chat/completions", {
        model: "json",
        messages,
        response_format: { type: "json_object" },
      }),
    ) as { choices: { message: Record<string, unknown>; finish_reason: string }[] };
    expect(reply.choices[0]?.message.content).toBe(answer);
    expect(reply.choices[0]?.finish_reason).toBe("stop");
    expect(Object.keys(reply.choices[0]?.message ?? {}).sort()).toEqual([
      "content",
      "reasoning",
      "refusal",
      "role",
    ]);

    answer = '{"city":"Oslo","country":"NO"}';
    const frames = await post("/v1/responses", {
      model: "json",
      input: "Where?",
      stream: true,
      text: { format: { type: "json_schema", name: "place", schema: SCHEMA } },
    });
    expect(frames).toContain("response.completed");
    expect(await invalidCount()).toBe(before + 2);
    expect(generations().map((entry) => entry.structured_output)).toEqual([
      undefined,
      expect.stringMatching(/^invalid: the answer is not JSON/),
      "invalid: the answer does not match the schema: $.country: not allowed (additionalProperties is false)",
    ]);
  });
});
