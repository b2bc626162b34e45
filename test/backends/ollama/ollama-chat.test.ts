/** The chat route (`/api/chat`) against recorded Ollama streams (fixtures 001–004, 012, 102). */

import { collectParts, type FinishPart } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  ollama,
  partsOf,
  portugueseGreeting,
  recorded,
  replay,
  textOf,
  WEATHER_TOOL,
} from "./ollama-replay.js";

describe("Ollama /api/chat", () => {
  it("streams thinking as analysis and content as final, with usage and timings (001)", async () => {
    const server = await replay(
      recorded("001-ollama-api-chat-stream-thinking.txt", 0, { path: "/api/chat" }),
    );
    const parts = await partsOf(ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" }));

    expect(textOf(parts, "analysis")).toBe(
      'We must output a greeting in Portuguese: "Oi" or "Olá". The instruction says say hi. Just respond.',
    );
    expect(textOf(parts, "final")).toBe("Olá!");
    expect(parts.map((p) => p.type).filter((t) => !t.endsWith("-delta"))).toEqual([
      "analysis-start",
      "analysis-end",
      "final-start",
      "final-end",
      "finish",
    ]);
    const finish = parts.at(-1) as FinishPart;
    expect(finish.reason).toBe("stop");
    expect(finish.usage).toEqual({ inputTokens: 84, outputTokens: 36 });
    expect(finish.timings?.firstTokenMs).toBeGreaterThan(0);
    expect(finish.timings?.totalMs).toBeGreaterThanOrEqual(finish.timings?.firstTokenMs ?? 0);
    expect(finish.notice).toBeUndefined();
    const end = parts.find((p) => p.type === "final-end");
    expect(end && "message" in end ? end.message : undefined).toEqual({
      author: { role: "assistant" },
      channel: "final",
      content: [{ type: "text", text: "Olá!" }],
    });
  });

  it("sends gpt-oss's request: system text as one system message, think level, sampling, num_ctx ≥ 8192", async () => {
    const server = await replay(
      recorded("001-ollama-api-chat-stream-thinking.txt", 0, { path: "/api/chat" }),
    );
    await partsOf(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "chat", effort: "low" }),
    );
    const body = server.requests[0]?.json as Record<string, unknown>;
    expect(body).toEqual({
      model: "gpt-oss:20b",
      // The recorded client's messages exactly (Ollama's template writes the Harmony system message itself).
      messages: [
        { role: "system", content: "You are a helpful assistant" },
        { role: "user", content: "Say hi in Portuguese" },
      ],
      stream: true,
      think: "low",
      options: { temperature: 1, top_p: 1, repeat_penalty: 1, num_ctx: 8192 },
    });
  });

  it("reads a non-streamed answer (one object, no newline) the same way (002)", async () => {
    const server = await replay(
      recorded("002-ollama-api-chat-nonstream-thinking.txt", 0, { path: "/api/chat" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" }),
    );
    expect(result.final).toBe("Olá!");
    expect(result.analysis).toMatch(/^The user: "Say hi in Portuguese\."/);
    expect(result.finish?.reason).toBe("stop");
  });

  it("turns the documented final line's nanosecond durations into milliseconds (012)", async () => {
    const server = await replay(
      recorded("012-ollama-docs-api-chat-stream-tools.txt", 0, { status: 200, path: "/api/chat" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "chat", tools: [WEATHER_TOOL] }),
    );
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ recipient: "functions.get_weather", arguments: '{"city":"Tokyo"}' }),
    ]);
    expect(result.finish?.reason).toBe("tool-calls");
    expect(result.finish?.usage).toEqual({ inputTokens: 169, outputTokens: 15 });
    expect(result.finish?.timings?.promptMs).toBeCloseTo(24.573166, 6);
    expect(result.finish?.timings?.generationMs).toBeCloseTo(115.959084, 6);
  });

  it("explains a turn cut off while reasoning: finish length with a notice (102, field report 004)", async () => {
    const server = await replay(
      recorded("102-ollama-derived-api-chat-stream-length-thinking-only.txt", 0, { path: "/api/chat" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "chat", maxTokens: 36 }),
    );
    expect(result.final).toBe("");
    expect(result.analysis).toContain("Just respond.");
    expect(result.finish?.reason).toBe("length");
    expect(result.finish?.notice).toMatch(/still reasoning/);
    expect(result.messages[0]?.channel).toBe("analysis");
    const body = server.requests[0]?.json as { options: Record<string, number> };
    expect(body.options.num_predict).toBe(36);
  });

  it("explains a turn that ends after reasoning with no answer (106)", async () => {
    const server = await replay(
      recorded("106-ollama-derived-api-chat-stream-stop-thinking-only.txt", 0, { path: "/api/chat" }),
    );
    const result = await collectParts(
      ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" }),
    );
    expect(result.final).toBe("");
    expect(result.finish?.reason).toBe("stop");
    expect(result.finish?.notice).toMatch(/ended its turn after reasoning/);
  });
});
