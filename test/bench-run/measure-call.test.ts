/**
 * measureCall's definitions (bench-run/measure-call.ts): on the embedded toy model, which reasons before it
 * answers, the first answer token comes after the first token and text; on a stream that answers without
 * reasoning (a scripted part stream: no model here reliably skips its analysis) the two are the same moment.
 */
import { conversation, message, type Part, systemContent, systemMessage } from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../packages/overtone/src/backends/contract.js";
import { createEmbedded } from "../../packages/overtone/src/backends/embedded/index.js";
import { measureCall } from "../../packages/overtone/src/bench-run/measure-call.js";
import { toyModelPath } from "../support/toy-model.js";

const question = conversation([
  systemMessage(systemContent({ reasoning_effort: "Medium" })),
  message("user", "What is 12 plus 7?"),
]);

/** A backend whose stream is `parts`, each after `gapMs`. */
function scripted(parts: readonly Part[], gapMs = 5): Backend {
  return {
    kind: "scripted",
    async *stream() {
      for (const part of parts) {
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        yield part;
      }
    },
  } as unknown as Backend;
}

const answerOnly: Part[] = [
  { type: "final-start", id: "m1", role: "assistant", channel: "final" },
  { type: "final-delta", id: "m1", delta: "19" },
  { type: "final-delta", id: "m1", delta: "." },
  { type: "final-end", id: "m1", text: "19.", message: message("assistant", "19.", { channel: "final" }) },
  { type: "finish", reason: "stop", usage: { inputTokens: 10, outputTokens: 6 } },
] as Part[];

describe("measureCall", () => {
  let toy: Backend;
  beforeAll(async () => {
    toy = createEmbedded({ model: await toyModelPath(), contextSize: 2048, threads: 1 });
  }, 120_000);
  afterAll(async () => {
    await toy?.close();
  });

  it("on the toy model: reasoning first, so the first answer token comes after the first text", async () => {
    const measured = await measureCall(toy, { conversation: question, temperature: 0 });
    expect(measured.finishReason).toBe("stop");
    expect(measured.texts.reasoning.length).toBeGreaterThan(0);
    expect(measured.texts.answer.length).toBeGreaterThan(0); // the toy's sums are often wrong; its format is not
    const { ttftMs, firstTextMs, ttfatMs, e2eMs } = measured.client;
    expect(ttftMs).not.toBeNull();
    expect(firstTextMs).toBeGreaterThanOrEqual(ttftMs as number);
    expect(ttfatMs).toBeGreaterThan(firstTextMs as number);
    expect(e2eMs).toBeGreaterThan(ttfatMs as number);
    expect(measured.usage?.reasoningTokens).toBeGreaterThan(0);
    expect(measured.client.decodeTokensPerSecond).toBeGreaterThan(0);
    expect(measured.server.decodeTokensPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it("without reasoning the first answer token is the first text", async () => {
    const measured = await measureCall(scripted(answerOnly), { conversation: question });
    expect(measured.texts).toEqual({ reasoning: "", answer: "19.", toolCalls: [] });
    expect(measured.client.ttfatMs).toBe(measured.client.firstTextMs);
    // No backend first-token time: the first text stands in for it; 6 tokens over the stream after it.
    expect(measured.client.ttftMs).toBe(measured.client.firstTextMs);
    const { e2eMs, ttftMs, tpotMs } = measured.client;
    expect(tpotMs).toBeCloseTo((e2eMs - (ttftMs as number)) / 5, 6);
    expect(measured.client.itlMs?.p50).toBeGreaterThan(0);
  });

  it("records a failed call without throwing: finish reason error and the error's message", async () => {
    const failing = scripted([{ type: "error", error: new Error("server fell over") } as Part]);
    const measured = await measureCall(failing, { conversation: question });
    expect(measured.finishReason).toBe("error");
    expect(measured.notice).toBe("server fell over");
    expect(measured.client.ttftMs).toBeNull();
  });
});
