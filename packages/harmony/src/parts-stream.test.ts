import { HarmonyParseError } from "@overtone/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunk, completion } from "../../../test/harmony/completion-arbitraries.js";
import type { Part } from "./parts.js";
import { collectParts, throwOnError } from "./parts-collect.js";
import { partsFromText, partsFromTokens } from "./parts-stream.js";
import { encodeOrdinary, encodeWithSpecialTokens } from "./tokenizer.js";

const ANSWER =
  "<|channel|>analysis<|message|>User asks 2+2.<|end|>" +
  "<|start|>assistant<|channel|>final<|message|>2 + 2 = 4 😀<|return|>";

async function toArray(parts: AsyncIterable<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/** An async source that records whether it was closed, and can stall forever after `stallAfter` items. */
function trackedSource<T>(items: readonly T[], stallAfter = Number.POSITIVE_INFINITY) {
  const state = { closed: false, read: 0 };
  async function* generate(): AsyncGenerator<T> {
    try {
      for (const item of items) {
        if (state.read >= stallAfter) await new Promise(() => {});
        state.read++;
        yield item;
      }
    } finally {
      state.closed = true;
    }
  }
  const iterator = generate();
  // A stalled generator cannot run its finally; record return() itself, as an HTTP body reader would see it.
  const source: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator.next(),
      return: (value?: unknown) => {
        state.closed = true;
        return iterator.return(value as T);
      },
    }),
  };
  return { source, state };
}

async function* oneByOne<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

const withoutTimings = (parts: Part[]) =>
  parts.map((part) => (part.type === "finish" ? { type: part.type, reason: part.reason } : part));

describe("partsFromTokens / partsFromText", () => {
  it("give the same parts for tokens at once, tokens one by one, and text in 1-character chunks", async () => {
    await fc.assert(
      fc.asyncProperty(completion(), async ({ text, role }) => {
        const options = role ? { role } : {};
        const tokens = encodeWithSpecialTokens(text);
        const atOnce = await collectParts(partsFromTokens(tokens, options), { throwOnError: false });
        const single = await collectParts(partsFromTokens(oneByOne(tokens), options), {
          throwOnError: false,
        });
        const chars = await collectParts(partsFromText(chunk(text, "each"), options), {
          throwOnError: false,
        });
        for (const result of [atOnce, single, chars]) delete result.finish?.timings;
        expect(single).toEqual(atOnce);
        expect(chars).toEqual(atOnce);
      }),
      { numRuns: 60 },
    );
  });

  it("collects analysis, final text and the finish", async () => {
    const result = await collectParts(partsFromText(chunk(ANSWER, [5, 40, 41, 90]), { role: "assistant" }));
    expect(result.analysis).toBe("User asks 2+2.");
    expect(result.final).toBe("2 + 2 = 4 😀");
    expect(result.toolCalls).toEqual([]);
    expect(result.finish?.reason).toBe("stop");
  });

  it("counts usage from the tokens when the prompt length is given", async () => {
    const tokens = encodeWithSpecialTokens(ANSWER);
    const parts = await toArray(partsFromTokens(tokens, { role: "assistant", inputTokens: 12 }));
    const reasoning = encodeOrdinary("User asks 2+2.").length + 1; // its content and its <|end|>
    expect(parts.at(-1)).toMatchObject({
      type: "finish",
      usage: { inputTokens: 12, outputTokens: tokens.length, reasoningTokens: reasoning },
    });
  });

  it("lets the backend's finish details win and measures timings with the given clock", async () => {
    let now = 100;
    const clock = () => (now += 5);
    const usage = { inputTokens: 3, outputTokens: 9 };
    const parts = await toArray(
      partsFromText(["<|channel|>final<|message|>Hi"], {
        role: "assistant",
        clock,
        finishDetails: () => ({ reason: "length", usage, timings: { promptMs: 7 } }),
      }),
    );
    expect(parts.at(-1)).toEqual({
      type: "finish",
      reason: "length",
      usage,
      timings: { firstTokenMs: 5, totalMs: 10, promptMs: 7 },
    });
  });

  it("ends with an error part on a parse error, which collectParts and throwOnError re-throw", async () => {
    const bad = ["<|channel|>final<|message|>4<|end|>", "stray"];
    const parts = await toArray(partsFromText(bad, { role: "assistant" }));
    expect(parts.at(-1)?.type).toBe("error");
    expect(parts.some((part) => part.type === "finish")).toBe(false);
    await expect(collectParts(partsFromText(bad, { role: "assistant" }))).rejects.toBeInstanceOf(
      HarmonyParseError,
    );
    const kept = await collectParts(partsFromText(bad, { role: "assistant" }), { throwOnError: false });
    expect(kept.final).toBe("4");
    expect(kept.error).toBeInstanceOf(HarmonyParseError);
    await expect(toArray(throwOnError(partsFromText(bad, { role: "assistant" })))).rejects.toThrow(
      /Unexpected token/,
    );
  });

  it("turns a failing source into an error part and closes nothing twice", async () => {
    async function* failing(): AsyncGenerator<string> {
      yield "<|channel|>final<|message|>Hel";
      throw new Error("connection reset");
    }
    const parts = await toArray(partsFromText(failing(), { role: "assistant" }));
    expect(parts.map((part) => part.type)).toEqual(["final-start", "final-delta", "error"]);
    expect(parts.at(-1)).toMatchObject({ error: { message: "connection reset" } });
  });

  it("stops reading the source on abort and ends with finish: aborted", async () => {
    const controller = new AbortController();
    const chunks = ["<|channel|>final<|message|>One", " two", " three", " four<|return|>"];
    const { source, state } = trackedSource(chunks);
    const seen: Part[] = [];
    for await (const part of partsFromText(source, { role: "assistant", signal: controller.signal })) {
      seen.push(part);
      if (part.type === "final-delta" && part.delta.includes("two")) controller.abort();
    }
    expect(state.closed).toBe(true);
    expect(state.read).toBe(2);
    expect(seen.slice(-2).map((part) => part.type)).toEqual(["final-end", "finish"]);
    expect(seen.at(-2)).toMatchObject({ text: "One two", terminator: "eos" });
    expect(seen.at(-1)).toMatchObject({ type: "finish", reason: "aborted" });
  });

  it("does not wait for a stalled source once aborted", async () => {
    const controller = new AbortController();
    const { source, state } = trackedSource(["<|channel|>final<|message|>Hi", " there"], 1);
    const parts: Part[] = [];
    for await (const part of partsFromText(source, { role: "assistant", signal: controller.signal })) {
      parts.push(part);
      if (part.type === "final-delta") setTimeout(() => controller.abort(), 5);
    }
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "aborted" });
    expect(state.closed).toBe(true);
  });

  it("finishes as aborted at once when the signal fired before the start", async () => {
    const { source, state } = trackedSource([1, 2, 3]);
    const parts = await toArray(partsFromTokens(source, { signal: AbortSignal.abort() }));
    expect(parts).toEqual([{ type: "finish", reason: "aborted", timings: expect.any(Object) }]);
    expect(state.read).toBe(0);
  });

  it("closes the source when the consumer stops early", async () => {
    const { source, state } = trackedSource(["<|channel|>final<|message|>a", "b", "c"]);
    for await (const part of partsFromText(source, { role: "assistant" })) {
      if (part.type === "final-delta") break;
    }
    expect(state.closed).toBe(true);
  });

  it("reports a tool call as such", async () => {
    const text =
      '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"location":"Paris"}<|call|>';
    const result = await collectParts(partsFromText([text], { role: "assistant" }));
    expect(result.toolCalls).toEqual([
      {
        id: "msg-0",
        recipient: "functions.get_weather",
        channel: "commentary",
        contentType: "<|constrain|>json",
        arguments: '{"location":"Paris"}',
      },
    ]);
    expect(withoutTimings(result.finish ? [result.finish] : [])).toEqual([
      { type: "finish", reason: "tool-calls" },
    ]);
  });

  it("recovers stripped tokens when asked, and calls end in tool-calls", async () => {
    const text = 'analysisNeed weather.assistantcommentary to=functions.get_weather json{"location":"Paris"}';
    const result = await collectParts(
      partsFromText(chunk(text, "each"), { role: "assistant", recoverStrippedTokens: true }),
    );
    expect(result.analysis).toBe("Need weather.");
    expect(result.toolCalls).toMatchObject([
      { recipient: "functions.get_weather", arguments: '{"location":"Paris"}' },
    ]);
    expect(result.finish?.reason).toBe("tool-calls");
  });
});
