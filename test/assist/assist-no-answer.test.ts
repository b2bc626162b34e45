/**
 * A turn without an answer, as the assistant meets it (report 004's "4/5 empty", done right). Replayed from a
 * real llama-server serving the toy gpt-oss (fixtures/llama-server-no-answer.json, recorded by
 * record-no-answer.ts) through the real openai-compatible backend: a turn that ended without an answer is asked
 * again with another seed and the retry's answer is the reply; one that never answers is a 502 saying why after
 * ANSWER_TRIES tries. On the embedded toy, a budget too small for the reasoning is a 502 at once (the same budget
 * would cut a retry too) whose hint names --max-tokens.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Generation } from "../../packages/overtone/src/assist/assist-model.js";
import { type AssistOptions, createAssist } from "../../packages/overtone/src/assist/assist-service.js";
import { ANSWER_TRIES } from "../../packages/overtone/src/assist/assist-tasks.js";
import { type Backend, createBackend, createEmbedded } from "../../packages/overtone/src/backends/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { type ReplayRoute, type ReplayServer, startReplayServer } from "../replay/replay-server.js";
import { bodyChunks } from "../replay/wire-fixture.js";
import { toyModelPath } from "../support/toy-model.js";
import type { RecordedCall } from "./record-no-answer.js";

const calls: RecordedCall[] = JSON.parse(
  readFileSync(new URL("./fixtures/llama-server-no-answer.json", import.meta.url), "utf8"),
);
const probes = calls.slice(0, -2);
const [empty, answered] = calls.slice(-2) as [RecordedCall, RecordedCall];

function route(call: RecordedCall): ReplayRoute {
  return {
    method: call.method,
    path: call.path,
    response: {
      status: call.status,
      headers: { "content-type": call.contentType },
      chunks: bodyChunks(call.body),
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The assistant on `backend`, on a port; each generation it made. */
async function serveAssist(backend: Backend, options: Partial<AssistOptions> = {}) {
  const generations: Generation[] = [];
  const assist = createAssist({ backend, observe: (_task, g) => generations.push(g), ...options });
  const server: Server = createServer(assist.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await backend.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const judge = async () => {
    const reply = await fetch(`${base}/api/ideas/judge`, {
      method: "POST",
      body: JSON.stringify({ ideas: ["a cooling pad", "a cooler room", "cleaning the fan"] }),
    });
    return { status: reply.status, json: (await reply.json()) as Record<string, unknown> };
  };
  return { generations, judge };
}

async function replayed(routes: ReplayRoute[]): Promise<{ replay: ReplayServer; backend: Backend }> {
  const replay = await startReplayServer(routes);
  cleanups.push(() => replay.close());
  const backend = await createBackend({ kind: "openai-compatible", baseURL: `${replay.url}/v1` });
  return { replay, backend };
}

describe("a turn without an answer", () => {
  it("is asked again with another seed, and the retry's answer is the reply", async () => {
    const { replay, backend } = await replayed([...probes.map(route), route(empty), route(answered)]);
    const { generations, judge } = await serveAssist(backend, { generation: { seed: 5, maxTokens: 400 } });
    const { status, json } = await judge();
    expect(replay.problems).toEqual([]);
    expect(status).toBe(200);
    expect(generations.map((g) => g.answer === "")).toEqual([true, false]);
    expect(generations[0]?.finishReason).not.toBe("length");
    expect(json.answer).toBe(generations[1]?.answer);
    const seeds = replay.requests
      .filter((r) => r.method === "POST")
      .map((r) => (r.json as { seed?: number }).seed);
    expect(seeds).toHaveLength(2);
    expect(seeds[0]).not.toBe(seeds[1]);
  });

  it(`is a 502 that says why after ${ANSWER_TRIES} tries`, async () => {
    const { replay, backend } = await replayed([
      ...probes.map(route),
      ...Array(ANSWER_TRIES).fill(route(empty)),
    ]);
    const { generations, judge } = await serveAssist(backend);
    const { status, json } = await judge();
    expect(replay.problems).toEqual([]);
    expect(status).toBe(502);
    expect(generations).toHaveLength(ANSWER_TRIES);
    const error = json.error as { message: string; hint: string };
    expect(error.message).toContain(
      `the model gave no answer (finish: ${generations[0]?.finishReason}, ${ANSWER_TRIES} tries)`,
    );
    expect(error.message).toContain(generations[0]?.notice ?? "no notice?");
    expect(error.hint).toContain("try again");
  });

  it("cut by the token budget is a 502 at once, its hint naming --max-tokens", async () => {
    const embedded = createEmbedded({ model: await toyModelPath(), contextSize: 2048, threads: 1 });
    cleanups.push(() => disposeEngineLlama());
    const { generations, judge } = await serveAssist(embedded, { generation: { seed: 1, maxTokens: 3 } });
    const { status, json } = await judge();
    expect(status).toBe(502);
    expect(generations.map((g) => g.finishReason)).toEqual(["length"]);
    const error = json.error as { message: string; hint: string };
    expect(error.message).toContain("the model gave no answer (finish: length)");
    expect(error.hint).toContain("--max-tokens");
  }, 60_000);
});
