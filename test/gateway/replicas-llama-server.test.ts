/**
 * Two real llama-servers behind one model name (issue 14, Must show): the gateway spreads concurrent requests by
 * how many each replica has in flight; when one is killed mid-run, every request that had not started streaming
 * is served by the other (none lost); once it is back on its port, its health poll passes and it takes requests
 * again. llama-server is built from the llama.cpp source node-llama-cpp ships (test/support/llama-server.ts) and
 * serves the tiny gpt-oss (random weights: the content is noise; routing is what is tested).
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAICompatible } from "../../packages/overtone/src/backends/index.js";
import { createReplicaSet, type ReplicaSet } from "../../packages/overtone/src/gateway/replica-set.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  startLlamaServer,
} from "../support/llama-server.js";
import { tinyModelPath } from "../support/tiny-models.js";
import { type RunningGateway, startGateway } from "./gateway-harness.js";

let servers: LlamaServerHandle[] = [];
let set: ReplicaSet;
let running: RunningGateway;
let client: OpenAI;

const start = async (port = 0) =>
  startLlamaServer({ model: await tinyModelPath(), threads: 1, ctx: 2048, port });

beforeAll(async () => {
  servers = [await start(), await start()];
  set = createReplicaSet(
    servers.map((s) => createOpenAICompatible({ baseURL: `${s.baseURL}/v1`, flavor: "llama-server" })),
    { healthIntervalMs: 0, cooldownMs: 500 },
  );
  running = await startGateway([{ name: "gpt-oss-20b", backend: set }]);
  client = new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "unused", maxRetries: 0 });
}, LLAMA_SERVER_BUILD_TIMEOUT_MS + 120_000);
afterAll(async () => {
  await running?.close();
  await set?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

/** One streamed request; resolves with whether it ended with a finish reason (a whole reply). */
async function ask(i: number, onFirstChunk?: () => void): Promise<boolean> {
  const stream = await client.chat.completions.create({
    model: "gpt-oss-20b",
    messages: [{ role: "user", content: `Request number ${i}: say something.` }],
    max_tokens: 48,
    stream: true,
  });
  let finished = false;
  let first = true;
  for await (const chunk of stream) {
    if (first) onFirstChunk?.();
    first = false;
    if (chunk.choices[0]?.finish_reason) finished = true;
  }
  return finished;
}

describe("two llama-server replicas behind one name", () => {
  it("spreads concurrent requests across both by in-flight count", async () => {
    let peak = [0, 0];
    const sample = setInterval(() => {
      const now = set.state().map((r) => r.inFlight);
      if ((now[0] ?? 0) + (now[1] ?? 0) > (peak[0] ?? 0) + (peak[1] ?? 0)) peak = now;
    }, 5);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(i)));
    clearInterval(sample);
    expect(results.every(Boolean)).toBe(true);
    // Six at once over two: neither replica took them all.
    expect(Math.min(...peak)).toBeGreaterThan(0);
  }, 120_000);

  it("loses no request that had not started streaming when a replica dies, and takes the replica back", async () => {
    const [victim] = servers as [LlamaServerHandle, LlamaServerHandle];
    const port = victim.port;
    victim.process.kill("SIGKILL");
    await victim.stop();
    // Every request starts after the kill: none had streamed, so none may be lost.
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(100 + i)));
    expect(results).toEqual(Array(6).fill(true));
    await set.checkHealth();
    expect(set.state()[0]?.healthy).toBe(false);

    servers[0] = await start(port);
    await set.checkHealth();
    expect(set.state().map((r) => r.healthy)).toEqual([true, true]);
    let peak = 0;
    const sample = setInterval(() => {
      peak = Math.max(peak, set.state()[0]?.inFlight ?? 0);
    }, 5);
    const again = await Promise.all(Array.from({ length: 4 }, (_, i) => ask(200 + i)));
    clearInterval(sample);
    expect(again.every(Boolean)).toBe(true);
    expect(peak).toBeGreaterThan(0);
  }, 180_000);
});
