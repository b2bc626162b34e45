import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunk, chunking, completion } from "../../../test/harmony/completion-arbitraries.js";
import type { Part } from "./parts.js";
import { partKind } from "./parts.js";
import { HarmonyPartsAdapter, partKindOf } from "./parts-adapter.js";
import { StreamableParser } from "./streamable-parser.js";
import { TextStreamParser } from "./text-stream-parser.js";
import { encodeWithSpecialTokens } from "./tokenizer.js";

/** Parse `text` token by token through the adapter, then finish (or fail) as the stream helpers do. */
function partsOfText(text: string, role: "assistant" | undefined = "assistant"): Part[] {
  const parts: Part[] = [];
  const adapter = new HarmonyPartsAdapter((part) => parts.push(part));
  const parser = new StreamableParser({ ...(role ? { role } : {}), onEvent: adapter.onEvent });
  try {
    for (const token of encodeWithSpecialTokens(text)) parser.process(token);
    parser.processEos();
    adapter.finish();
  } catch (error) {
    adapter.fail(error);
  }
  return parts;
}

/** Assert the ordering guarantees that parts.ts promises. */
function checkInvariants(parts: readonly Part[]): void {
  const last = parts[parts.length - 1];
  expect(last?.type === "finish" || last?.type === "error").toBe(true);
  expect(parts.filter((part) => part.type === "finish" || part.type === "error")).toHaveLength(1);
  let open: { id: string; kind: string; text: string } | undefined;
  const seen = new Set<string>();
  for (const part of parts.slice(0, -1)) {
    const kind = partKind(part) as string;
    if (part.type.endsWith("-start") && "role" in part) {
      expect(open).toBeUndefined();
      expect(seen.has(part.id)).toBe(false);
      seen.add(part.id);
      open = { id: part.id, kind, text: "" };
    } else if ("delta" in part) {
      expect(open).toMatchObject({ id: part.id, kind });
      expect(part.delta).not.toBe("");
      (open as { text: string }).text += part.delta;
    } else if ("terminator" in part) {
      expect(open).toMatchObject({ id: part.id, kind });
      expect(part.text).toBe(open?.text);
      open = undefined;
    }
  }
  if (last?.type === "finish") expect(open).toBeUndefined();
}

describe("HarmonyPartsAdapter", () => {
  it("maps headers to part kinds", () => {
    const header = (fields: object) => ({ role: "assistant" as const, ...fields });
    expect(partKindOf(header({ channel: "analysis" }))).toBe("analysis");
    expect(partKindOf(header({ channel: "commentary" }))).toBe("commentary");
    expect(partKindOf(header({ channel: "final" }))).toBe("final");
    expect(partKindOf(header({}))).toBe("final");
    expect(partKindOf(header({ channel: "weird" }))).toBe("final");
    expect(partKindOf(header({ channel: "commentary", recipient: "functions.f" }))).toBe("tool-call");
    expect(partKindOf(header({ channel: "analysis", recipient: "python" }))).toBe("tool-call");
    expect(partKindOf(header({ channel: "commentary", recipient: "all" }))).toBe("commentary");
    expect(
      partKindOf({ role: "tool", name: "functions.f", recipient: "assistant", channel: "commentary" }),
    ).toBe("commentary");
  });

  it("turns an analysis, a preamble and a tool call into parts", () => {
    const text =
      "<|channel|>analysis<|message|>Need weather.<|end|>" +
      "<|start|>assistant<|channel|>commentary<|message|>Checking.<|end|>" +
      '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris"}<|call|>';
    const parts = partsOfText(text);
    checkInvariants(parts);
    const summary = parts.filter((part) => !part.type.endsWith("-delta")).map((part) => part.type);
    expect(summary).toEqual([
      "analysis-start",
      "analysis-end",
      "commentary-start",
      "commentary-end",
      "tool-call-start",
      "tool-call-end",
      "finish",
    ]);
    expect(parts.find((part) => part.type === "tool-call-start")).toEqual({
      type: "tool-call-start",
      id: "msg-2",
      role: "assistant",
      recipient: "functions.get_weather",
      channel: "commentary",
      contentType: "<|constrain|>json",
    });
    expect(parts.find((part) => part.type === "tool-call-end")).toMatchObject({
      recipient: "functions.get_weather",
      text: '{"city":"Paris"}',
      terminator: "call",
    });
    expect(parts[parts.length - 1]).toEqual({ type: "finish", reason: "tool-calls" });
  });

  it("derives the finish reason from how the output ended", () => {
    const reason = (text: string) => partsOfText(text).at(-1);
    expect(reason("<|channel|>final<|message|>4<|return|>")).toEqual({ type: "finish", reason: "stop" });
    expect(reason("<|channel|>final<|message|>4<|end|>")).toEqual({ type: "finish", reason: "stop" });
    expect(reason("<|channel|>analysis<|message|>Thinking about")).toEqual({
      type: "finish",
      reason: "length",
    });
    // <|call|> ends a tool call, recipient or not: a call that names no tool is malformed, never a plain stop.
    expect(reason("<|channel|>final<|message|>4<|call|>")).toMatchObject({
      type: "finish",
      reason: "tool-calls",
      notice: expect.stringContaining("named no tool"),
    });
    expect(reason(" to=python<|channel|>analysis code<|message|>1+1<|end|>")).toEqual({
      type: "finish",
      reason: "stop",
    });
  });

  it("reports a recipient-less call as its channel's message, finishing tool-calls with a notice", () => {
    const parts = partsOfText('<|channel|>commentary <|constrain|>json<|message|>{"city":"Paris"}<|call|>');
    checkInvariants(parts);
    expect([...new Set(parts.map((part) => part.type))]).toEqual([
      "commentary-start",
      "commentary-delta",
      "commentary-end",
      "finish",
    ]);
    expect(parts.at(-2)).toMatchObject({ text: '{"city":"Paris"}', terminator: "call" });
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: "finish", reason: "tool-calls" });
    expect(finish?.type === "finish" && finish.notice).toMatch(
      /^malformed tool call: the model ended a commentary channel message with <\|call\|> but named no tool/,
    );
    // A well-formed call carries no notice.
    const good = partsOfText(" to=functions.f<|channel|>commentary json<|message|>{}<|call|>").at(-1);
    expect(good).toEqual({ type: "finish", reason: "tool-calls" });
  });

  it("ends with an error part, and no finish, when the output does not parse", () => {
    const parts = partsOfText("<|channel|>final<|message|>4<|end|>stray text");
    checkInvariants(parts);
    expect(parts.at(-1)).toMatchObject({ type: "error", error: { name: "HarmonyParseError" } });
    expect(parts.map((part) => part.type)).toEqual(["final-start", "final-delta", "final-end", "error"]);
  });

  it("closes the message in progress on abort", () => {
    const parts: Part[] = [];
    const adapter = new HarmonyPartsAdapter((part) => parts.push(part), { idPrefix: "m" });
    new TextStreamParser({ role: "assistant", onEvent: adapter.onEvent }).push(
      "<|channel|>final<|message|>Hal",
    );
    adapter.abort();
    checkInvariants(parts);
    expect(parts.slice(-2)).toEqual([
      {
        type: "final-end",
        id: "m0",
        text: "Hal",
        terminator: "eos",
        message: {
          author: { role: "assistant" },
          channel: "final",
          content: [{ type: "text", text: "Hal" }],
        },
      },
      { type: "finish", reason: "aborted" },
    ]);
    expect(() => adapter.finish()).toThrow(/already ended/);
  });

  it("keeps its ordering guarantees for any completion and chunking", () => {
    fc.assert(
      fc.property(completion(), chunking, ({ text, role }, cuts) => {
        const parts: Part[] = [];
        const adapter = new HarmonyPartsAdapter((part) => parts.push(part));
        const parser = new TextStreamParser({ ...(role ? { role } : {}), onEvent: adapter.onEvent });
        for (const piece of chunk(text, cuts)) parser.push(piece);
        parser.end();
        adapter.finish();
        checkInvariants(parts);
        const ends = parts
          .filter((part) => "terminator" in part)
          .map((part) => ("message" in part ? part.message : 0));
        expect(ends).toEqual(parser.messages);
      }),
      { numRuns: 200 },
    );
  });
});
