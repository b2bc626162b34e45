/**
 * Timing honesty (issue 16, Must show): the client-side prefill and decode rates Overtone measures for a call
 * (bench-run/measure-call.ts: first token and stream end timed by the client, the server's token counts) agree
 * with llama-server's own `timings` for the same call within 5%. On the tiny gpt-oss (random weights): every
 * call decodes exactly its budget of tokens, and prompts of over 3,000 tokens make prefill long enough that a
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

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

describe("client-side rates against llama-server's own timings", () => {
  it("prefill and decode tok/s agree within 5% on the same calls (the median call's)", async () => {
    await call(20, 0); // warm-up: the first request pays for buffers and graphs
    const off = { prefill: [] as number[], decode: [] as number[] };
    for (const seed of [1, 2, 3, 4, 5]) {
      const measured = await call(840, seed);
      expect(measured.finishReason).toBe("length");
      expect(measured.usage?.outputTokens).toBe(160);
      expect(measured.usage?.inputTokens).toBeGreaterThan(3000);
      // The client's first token includes the server's prompt time, and comes before any text.
      expect(measured.client.ttftMs).toBeGreaterThan(measured.server.promptMs ?? Number.POSITIVE_INFINITY);
      off.prefill.push(
        Math.abs(ratio(measured.client.prefillTokensPerSecond, measured.server.prefillTokensPerSecond) - 1),
      );
      off.decode.push(
        Math.abs(ratio(measured.client.decodeTokensPerSecond, measured.server.decodeTokensPerSecond) - 1),
      );
    }
    // A busy machine (the full tier runs test files side by side) can delay one call's first chunk; the median
    // call is the method's own agreement.
    expect(median(off.prefill), `prefill |client/server - 1| per call: ${off.prefill}`).toBeLessThanOrEqual(
      0.05,
    );
    expect(median(off.decode), `decode |client/server - 1| per call: ${off.decode}`).toBeLessThanOrEqual(
      0.05,
    );
  }, 300_000);
});
