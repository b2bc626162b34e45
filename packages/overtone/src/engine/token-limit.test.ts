import {
  CALL,
  collectParts,
  END_OF_TEXT,
  encodeWithSpecialTokens,
  type Part,
  partsFromTokens,
  RETURN,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { GenerationStats, withGenerationStats } from "./generation-stats.js";
import { limitTokens, type TokenLimitOptions, type TokenLimitOutcome } from "./token-limit.js";

/** A source that counts how many tokens were pulled from it and whether it was closed. */
function counted(tokens: readonly number[]) {
  const state = { pulled: 0, closed: false };
  async function* source(): AsyncGenerator<number> {
    try {
      for (const token of tokens) {
        state.pulled++;
        yield token;
      }
    } finally {
      state.closed = true;
    }
  }
  return { source: source(), state };
}

async function run(tokens: readonly number[], options: TokenLimitOptions = {}) {
  const { source, state } = counted(tokens);
  const outcome: TokenLimitOutcome = { count: 0 };
  const out: number[] = [];
  for await (const token of limitTokens(source, options, outcome)) out.push(token);
  return { out, outcome, state };
}

/** Assistant output after a prompt that ended in `<|start|>assistant` (the header's role is in the prompt). */
const FINAL = encodeWithSpecialTokens("<|channel|>final<|message|>Hi there<|return|>");
const CALL_OUT = encodeWithSpecialTokens(
  '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Oslo"}<|call|>',
);

describe("limitTokens", () => {
  it("stops after <|return|> and passes it on, never pulling past it", async () => {
    const { out, outcome, state } = await run([...FINAL, 11, 12, 13]);
    expect(out).toEqual(FINAL);
    expect(out.at(-1)).toBe(RETURN);
    expect(outcome).toEqual({ cause: "stop-token", count: FINAL.length });
    expect(state.pulled).toBe(FINAL.length);
    expect(state.closed).toBe(true);
  });

  it("asks for the next token before passing one on, so llama.cpp decodes while the consumer works", async () => {
    const { source, state } = counted([1, 2, 3, RETURN, 5]);
    const pulledWhenSeen: number[] = [];
    for await (const _ of limitTokens(source, {})) pulledWhenSeen.push(state.pulled);
    // Token k arrives when k+1 are pulled; at the stop token nothing more is asked for.
    expect(pulledWhenSeen).toEqual([2, 3, 4, 4]);
  });

  it("stops after <|call|>", async () => {
    const { out, outcome } = await run([...CALL_OUT, 11]);
    expect(out.at(-1)).toBe(CALL);
    expect(outcome.cause).toBe("stop-token");
  });

  it("ends at another end-of-generation token without passing it on", async () => {
    const { out, outcome } = await run([1, 2, END_OF_TEXT, 3], { isEndToken: (t) => t === END_OF_TEXT });
    expect(out).toEqual([1, 2]);
    expect(outcome.cause).toBe("end-token");
  });

  it("caps at maxTokens; a stop token at the cap still counts as a stop", async () => {
    expect((await run([1, 2, 3, 4], { maxTokens: 2 })).outcome).toEqual({ cause: "length", count: 2 });
    expect((await run([1, RETURN, 3], { maxTokens: 2 })).outcome).toEqual({ cause: "stop-token", count: 2 });
    expect((await run([1, 2], { maxTokens: 5 })).outcome).toEqual({ cause: "source-done", count: 2 });
  });

  it("stops pulling once the signal fires", async () => {
    const controller = new AbortController();
    const { out, outcome, state } = await run([1, 2, 3, 4], {
      signal: controller.signal,
      onToken: (t) => t === 2 && controller.abort(),
    });
    expect(out).toEqual([1, 2]);
    expect(outcome.cause).toBe("aborted");
    expect(state.closed).toBe(true);
  });
});

/** The engine's path from ids to parts (limitTokens → partsFromTokens → withGenerationStats), minus llama.cpp. */
async function partsOf(tokens: readonly number[], maxTokens?: number): Promise<Part[]> {
  const outcome: TokenLimitOutcome = { count: 0 };
  const stats = new GenerationStats(5);
  const limited = limitTokens(
    tokens,
    { ...(maxTokens ? { maxTokens } : {}), onToken: () => stats.token() },
    outcome,
  );
  const parts = partsFromTokens(limited, {
    role: "assistant",
    strict: false,
    inputTokens: 10,
    finishDetails: () => (outcome.cause === "length" ? { reason: "length" } : undefined),
  });
  const out: Part[] = [];
  for await (const part of withGenerationStats(parts, stats, outcome, 10)) out.push(part);
  return out;
}

describe("ids to parts, as the engine wires them", () => {
  it("<|return|> gives finish: stop with the answer, usage and the engine's timings", async () => {
    const parts = await partsOf([...FINAL, 99, 98]);
    const collected = await collectParts(
      (async function* () {
        yield* parts;
      })(),
    );
    expect(collected.final).toBe("Hi there");
    const finish = collected.finish;
    expect(finish?.reason).toBe("stop");
    expect(finish?.usage).toEqual({
      inputTokens: 10,
      outputTokens: FINAL.length,
      reasoningTokens: 0,
      cachedInputTokens: 0,
    });
    expect(finish?.timings?.loadMs).toBe(5);
    expect(finish?.timings?.firstAnswerMs).toBeGreaterThanOrEqual(0);
  });

  it("<|call|> gives finish: tool-calls", async () => {
    const collected = await collectParts(
      (async function* () {
        yield* await partsOf(CALL_OUT);
      })(),
    );
    expect(collected.finish?.reason).toBe("tool-calls");
    expect(collected.toolCalls[0]?.recipient).toBe("functions.get_weather");
  });

  it("counts reasoning tokens: an analysis message's content and its <|end|>", async () => {
    const tokens = encodeWithSpecialTokens(
      "<|channel|>analysis<|message|>Think.<|end|><|start|>assistant<|channel|>final<|message|>Hi<|return|>",
    );
    const content = encodeWithSpecialTokens("Think.<|end|>");
    const parts = await partsOf(tokens);
    const finish = parts.at(-1);
    expect(finish?.type === "finish" && finish.usage?.reasoningTokens).toBe(content.length);
  });

  it("a budget that runs out inside content or right after <|end|> is finish: length", async () => {
    const inContent = await partsOf(FINAL, 5);
    expect(inContent.at(-1)).toMatchObject({ type: "finish", reason: "length" });
    // No message is open after <|end|>, so the parser alone would say `stop`.
    const afterEnd = encodeWithSpecialTokens("<|channel|>analysis<|message|>Hm<|end|>");
    const cut = await partsOf([...afterEnd, 5, 6], afterEnd.length);
    expect(cut.some((p) => p.type === "analysis-end")).toBe(true);
    expect(cut.at(-1)).toMatchObject({ type: "finish", reason: "length" });
  });

  it("a budget that runs out inside a header is finish: length, not a parse error", async () => {
    const parts = await partsOf(FINAL, 2);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: "finish", reason: "length", usage: { outputTokens: 2 } });
  });

  it("malformed output is recovered, and the finish names the repair", async () => {
    // A <|message|> straight after <|start|> has no role: lenient parsing reads the assistant's message.
    const parts = await partsOf(
      encodeWithSpecialTokens("<|channel|>final<|message|>a<|end|><|start|><|message|>b<|end|>"),
    );
    expect(parts.filter((p) => p.type === "final-end").map((p) => (p as { text: string }).text)).toEqual([
      "a",
      "b",
    ]);
    expect(parts.at(-1)).toMatchObject({
      type: "finish",
      reason: "stop",
      repairs: [{ kind: "headerless-message" }],
    });
  });
});
