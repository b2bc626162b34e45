/**
 * The raw route (`/api/generate`, `raw: true`, Overtone's own Harmony prompt) and `/api/generate` answers in
 * general: stripped special tokens (103, 104), fields Ollama parsed itself (005, 006), and the "empty response"
 * of field report 004 (101).
 */

import { collectParts, renderConversationForCompletionText } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { rawConversation } from "../../../packages/overtone/src/backends/ollama/generate-request.js";
import { bodyChunks, loadWireFixture } from "../../replay/wire-fixture.js";
import { ollama, portugueseGreeting, recorded, replay, WEATHER_TOOL } from "./ollama-replay.js";

/** The recorded reasoning and answer of 005, joined straight from its lines (not through the backend). */
const recorded005 = (
  loadWireFixture("005-ollama-api-generate-stream-thinking.txt").exchanges[0]?.responses ?? []
)
  .flatMap((r) => bodyChunks(r.body))
  .map((line) => JSON.parse(line) as { thinking?: string; response?: string });
const RABBIT_THINKING = recorded005.map((l) => l.thinking ?? "").join("");
const RABBIT_ANSWER = recorded005.map((l) => l.response ?? "").join("");

describe("Ollama raw route", () => {
  it("sends Overtone's rendered prompt with raw: true and gpt-oss options, effort in the system message", async () => {
    const server = await replay(
      recorded("103-ollama-derived-api-generate-raw-stream-stripped.txt", 0, { path: "/api/generate" }),
    );
    const request = {
      conversation: portugueseGreeting(),
      route: "raw" as const,
      effort: "high" as const,
      seed: 7,
    };
    await collectParts(ollama(server, { numCtx: 16384 }).stream(request));
    const body = server.requests[0]?.json as Record<string, unknown>;
    expect(body).toEqual({
      model: "gpt-oss:20b",
      prompt: renderConversationForCompletionText(rawConversation(request), "assistant"),
      raw: true,
      stream: true,
      options: { temperature: 1, top_p: 1, repeat_penalty: 1, num_ctx: 16384, seed: 7 },
    });
    expect(body.prompt).toContain("Reasoning: high");
    expect(body.prompt).toMatch(
      /# Instructions\n\nYou are a helpful assistant<\|end\|>.*<\|start\|>assistant$/s,
    );
  });

  it("recovers channels from stripped text: analysis and final (103)", async () => {
    const server = await replay(
      recorded("103-ollama-derived-api-generate-raw-stream-stripped.txt", 0, { path: "/api/generate" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "raw" }),
    );
    expect(RABBIT_ANSWER).toBe("Fluffy, quick, playful.");
    expect(result.analysis).toBe(RABBIT_THINKING);
    expect(result.final).toBe(RABBIT_ANSWER);
    expect(result.finish?.reason).toBe("stop");
    expect(result.finish?.usage).toEqual({ inputTokens: 81, outputTokens: 79 });
  });

  it("recovers a stripped tool call (104)", async () => {
    const server = await replay(
      recorded("104-ollama-derived-api-generate-raw-stream-toolcall.txt", 0, { path: "/api/generate" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "raw", tools: [WEATHER_TOOL] }),
    );
    expect(result.analysis).toBe('We need to call weather function with location "Florence, Italy".');
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        recipient: "functions.weather",
        contentType: "<|constrain|>json",
        arguments: '{"location":"Florence, Italy"}',
      }),
    ]);
    expect(result.finish?.reason).toBe("tool-calls");
    const prompt = (server.requests[0]?.json as { prompt?: string } | undefined)?.prompt;
    expect(prompt).toContain("type weather = (_: {");
  });

  it("reads thinking/response fields Ollama parsed itself as analysis and final (005, pretty-printed NDJSON)", async () => {
    const server = await replay(
      recorded("005-ollama-api-generate-stream-thinking.txt", 0, { path: "/api/generate" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "raw" }),
    );
    expect(result.analysis).toBe(RABBIT_THINKING);
    expect(result.final).toBe(RABBIT_ANSWER);
    expect(result.finish?.reason).toBe("stop");
    expect(result.messages.map((m) => m.channel)).toEqual(["analysis", "final"]);
  });

  it("a non-streamed generate answer without done_reason still finishes (006)", async () => {
    const server = await replay(
      recorded("006-ollama-api-generate-nonstream-thinking.txt", 0, { path: "/api/generate" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "raw" }),
    );
    expect(result.final).toBe("fluffy nimble cute");
    expect(result.analysis).toMatch(/^Need to describe a rabbit in 3 words\./);
    expect(result.finish?.reason).toBe("stop");
  });

  it("an empty response with text only in thinking, cut by the budget, is explained (101, field report 004)", async () => {
    const server = await replay(
      recorded("101-ollama-derived-api-generate-stream-length-thinking-only.txt", 0, {
        path: "/api/generate",
      }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "raw", maxTokens: 79 }),
    );
    expect(result.final).toBe("");
    expect(result.analysis).toBe(RABBIT_THINKING);
    expect(result.finish?.reason).toBe("length");
    expect(result.finish?.notice).toBe(
      "truncated by the token budget (maxTokens 79) while the model was still reasoning: no answer yet; raise maxTokens or lower the effort",
    );
  });
});
