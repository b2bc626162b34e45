/**
 * Timing honesty (issue 16, Must show): the client-side prefill and decode rates Overtone measures for a call
 * (bench-run/measure-call.ts: first token and stream end timed by the client, the server's token counts) agree
 * with llama-server's own `timings` for the same call within 5%. On the tiny gpt-oss (random weights): every
 * call decodes exactly its budget of tokens, and prompts of thousands of tokens make prefill long enough that a
 * fixed overhead (the HTTP round trip, the slot's start) is a few percent of it, as it is for real models.
 */
import { conversation, message, systemContent, systemMessage } from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backend, createOpenAICompatible } from "../../packages/overtone/src/backends/index.js";
import { type MeasuredCall, measureCall } from "../../packages/overtone/src/bench-run/measure-call.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  startLlamaServer,
} from "../support/llama-server.js";
import { tinyModelPath } from "../support/tiny-models.js";

let server: LlamaServerHandle;
let backend: Backend;

beforeAll(async () => {
  server = await startLlamaServer({ model: await tinyModelPath(), threads: 1, ctx: 4096 });
  backend = createOpenAICompatible({ baseURL: server.baseURL });
}, LLAMA_SERVER_BUILD_TIMEOUT_MS + 120_000);

afterAll(async () => {
  await server?.stop();
});

/** A prompt of about `words` × 4 tokens, different each time (no prompt-cache hit). */
function call(words: number, seed: number): Promise<MeasuredCall> {
  const filler = Array.from({ length: words }, (_, i) => `item ${(i * 7 + seed) % 97}`).join(", ");
  return measureCall(backend, {
    conversation: conversation([
      systemMessage(systemContent({ reasoning_effort: "High" })),
      message("user", `${filler}. Which item came first?`),
    ]),
    temperature: 0,
    maxTokens: 160,
  });
}

const ratio = (client: number | null, server: number | null) =>
  (client ?? Number.NaN) / (server ?? Number.NaN);

describe("client-side rates against llama-server's own timings", () => {
  it("prefill and decode tok/s agree within 5% on the same calls", async () => {
    await call(20, 0); // warm-up: the first request pays for buffers and graphs
    for (const [words, seed] of [
      [500, 1],
      [700, 2],
      [850, 3],
    ] as const) {
      const measured = await call(words, seed);
      expect(measured.finishReason).toBe("length");
      expect(measured.usage?.outputTokens).toBe(160);
      expect(measured.usage?.inputTokens).toBeGreaterThan(2000);
      const prefill = ratio(measured.client.prefillTokensPerSecond, measured.server.prefillTokensPerSecond);
      const decode = ratio(measured.client.decodeTokensPerSecond, measured.server.decodeTokensPerSecond);
      expect(Math.abs(prefill - 1), `prefill client/server ${prefill}`).toBeLessThanOrEqual(0.05);
      expect(Math.abs(decode - 1), `decode client/server ${decode}`).toBeLessThanOrEqual(0.05);
      // The client's first token includes the server's prompt time, and comes before any text.
      expect(measured.client.ttftMs).toBeGreaterThan(measured.server.promptMs ?? Number.POSITIVE_INFINITY);
    }
  }, 300_000);
});
