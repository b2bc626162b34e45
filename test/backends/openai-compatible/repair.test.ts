/**
 * Repairs and explanations (backends.md §8.4, §8.5): content that still holds Harmony, markup or stripped, is
 * re-parsed into channels and tool calls; an empty answer says why. Fixtures 130–133 are derived from the
 * recorded llama-server streams 031 and 033 (their headers say exactly how).
 */

import { collectParts, type FinishPart } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  openai,
  partsOf,
  portugueseGreeting,
  recorded,
  replay,
  shapeOf,
  textOf,
  WEATHER_TOOL,
  weatherQuestion,
} from "./openai-replay.js";

const RECORDED_REASONING_START = 'The user: "Say hi in Portuguese". They want a greeting';

describe("repairing content that still holds Harmony", () => {
  it("splits <|channel|> markup in content into analysis and final (130, --reasoning-format none)", async () => {
    const server = await replay(recorded("130-llamaserver-derived-v1-chat-stream-reasoning-format-none.txt"));
    const parts = await partsOf(openai(server).stream({ conversation: portugueseGreeting(), route: "chat" }));
    expect(shapeOf(parts)).toEqual(["analysis-start", "analysis-end", "final-start", "final-end", "finish"]);
    expect(textOf(parts, "analysis")).toMatch(new RegExp(`^${RECORDED_REASONING_START}`));
    expect(textOf(parts, "final")).toBe("Olá!");
    const end = parts.find((p) => p.type === "final-end");
    expect(end && "terminator" in end ? end.terminator : undefined).toBe("return");
    expect((parts.at(-1) as FinishPart).reason).toBe("stop");
  });

  it("recovers stripped special tokens: analysis…assistantfinal… (131)", async () => {
    const server = await replay(recorded("131-llamaserver-derived-v1-chat-stream-stripped-tokens.txt"));
    const result = await collectParts(
      openai(server).stream({ conversation: portugueseGreeting(), route: "chat" }),
    );
    expect(result.analysis).toMatch(new RegExp(`^${RECORDED_REASONING_START}`));
    expect(result.analysis).toMatch(/We'll respond\.$/);
    expect(result.final).toBe("Olá!");
    expect(result.finish?.reason).toBe("stop");
  });

  it("recovers a tool call written as Harmony text, and says tool-calls though the server said stop (133)", async () => {
    const server = await replay(recorded("133-llamaserver-derived-v1-chat-stream-toolcall-in-content.txt"));
    const parts = await partsOf(
      openai(server).stream({ conversation: weatherQuestion(), tools: [WEATHER_TOOL], route: "chat" }),
    );
    expect(shapeOf(parts)).toEqual([
      "analysis-start",
      "analysis-end",
      "tool-call-start",
      "tool-call-end",
      "finish",
    ]);
    expect(parts.find((p) => p.type === "tool-call-start")).toMatchObject({
      recipient: "functions.weather",
      channel: "commentary",
      contentType: "<|constrain|>json",
    });
    expect(textOf(parts, "tool-call")).toBe('{"location":"Florence, Italy"}');
    const end = parts.find((p) => p.type === "tool-call-end");
    expect(end && "terminator" in end ? end.terminator : undefined).toBe("call");
    expect((parts.at(-1) as FinishPart).reason).toBe("tool-calls");
  });

  it("leaves an ordinary answer alone (031)", async () => {
    const server = await replay(recorded("031-llamaserver-v1-chat-stream.txt"));
    const result = await collectParts(
      openai(server).stream({ conversation: portugueseGreeting(), route: "chat" }),
    );
    expect(result.final).toBe("Olá!");
    expect(result.finish?.notice).toBeUndefined();
  });
});

describe("explaining an empty answer", () => {
  it("says the budget ran out during reasoning when finish_reason is length with reasoning only (132)", async () => {
    const server = await replay(recorded("132-llamaserver-derived-v1-chat-stream-length-reasoning-only.txt"));
    const parts = await partsOf(
      openai(server).stream({ conversation: portugueseGreeting(), route: "chat", maxTokens: 57 }),
    );
    expect(shapeOf(parts)).toEqual(["analysis-start", "analysis-end", "finish"]);
    const finish = parts.at(-1) as FinishPart;
    expect(finish.reason).toBe("length");
    expect(finish.notice).toMatch(
      /truncated by the token budget \(maxTokens 57\) while the model was still reasoning/,
    );
    const end = parts.find((p) => p.type === "analysis-end");
    expect(end && "terminator" in end ? end.terminator : undefined).toBe("eos");
  });
});
