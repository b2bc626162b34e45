import { collectParts, type Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { WirePartsBuilder } from "./wire-parts.js";

function build(steps: (b: WirePartsBuilder) => void): Part[] {
  const parts: Part[] = [];
  const builder = new WirePartsBuilder((p) => parts.push(p));
  steps(builder);
  return parts;
}

async function collect(parts: Part[]) {
  return collectParts(
    (async function* () {
      yield* parts;
    })(),
  );
}

describe("WirePartsBuilder", () => {
  it("keeps an answer that merely starts with the word analysis as the final answer", async () => {
    const parts = build((b) => {
      b.content("analy");
      b.content("sis of the data: sales went up; the assistant finalised it.");
      b.finish({ reason: "stop" });
    });
    const result = await collect(parts);
    expect(result.final).toBe("analysis of the data: sales went up; the assistant finalised it.");
    expect(result.analysis).toBe("");
  });

  it("holds back a possible <|channel|> prefix split across chunks, then parses the markup", async () => {
    const parts = build((b) => {
      b.content("<|chan");
      b.content("nel|>analysis<|message|>think<|end|><|start|>assistant<|channel|>final<|mess");
      b.content("age|>4");
      b.finish({ reason: "stop" });
    });
    const result = await collect(parts);
    expect(result.analysis).toBe("think");
    expect(result.final).toBe("4");
    expect(result.finish?.repairs).toEqual([{ kind: "markup-in-content" }]);
  });

  it("names stripped special tokens in content as the repair it is", async () => {
    const parts = build((b) => {
      b.content("analysisThe user greets.assistantfinalHello!");
      b.finish({ reason: "stop" });
    });
    const result = await collect(parts);
    expect([result.analysis, result.final]).toEqual(["The user greets.", "Hello!"]);
    expect(result.finish?.repairs).toEqual([{ kind: "stripped-special-tokens" }]);
  });

  it("buffers tool-call fragments that arrive before the name, and attaches them once it comes", async () => {
    const parts = build((b) => {
      b.toolCall(0, undefined, '{"a"');
      b.toolCall(0, "lookup", ":1}");
      b.finish({ reason: "tool-calls" });
    });
    const result = await collect(parts);
    expect(result.toolCalls).toEqual([
      expect.objectContaining({
        recipient: "functions.lookup",
        arguments: '{"a":1}',
        contentType: "<|constrain|>json",
      }),
    ]);
  });

  it("strips Harmony markup that leaked into a tool name (vllm#32587)", async () => {
    const parts = build((b) => {
      b.toolCall(0, "write_file<|channel|>commentary", "{}");
      b.finish({ reason: "tool-calls" });
    });
    expect(parts.find((p) => p.type === "tool-call-start")).toMatchObject({
      recipient: "functions.write_file",
    });
    expect(parts.at(-1)).toMatchObject({
      type: "finish",
      repairs: [
        { kind: "recipient-normalized", detail: "write_file<|channel|>commentary → functions.write_file" },
      ],
    });
  });

  it("gives two tool calls two messages, and flushes held-back content before the first", async () => {
    const parts = build((b) => {
      b.content("ana"); // undecided: could be the start of "analysis"
      b.toolCall(0, "a", "{}");
      b.toolCall(1, "b", "{}");
      b.finish({ reason: "tool-calls" });
    });
    expect(parts.map((p) => p.type).filter((t) => !t.endsWith("delta"))).toEqual([
      "final-start",
      "final-end",
      "tool-call-start",
      "tool-call-end",
      "tool-call-start",
      "tool-call-end",
      "finish",
    ]);
  });

  it("ends with error and nothing after it when failed", () => {
    const parts = build((b) => {
      b.reasoning("x");
      b.fail(new Error("boom"));
    });
    expect(parts.at(-1)).toMatchObject({ type: "error" });
    expect(parts.filter((p) => p.type === "error" || p.type === "finish")).toHaveLength(1);
  });
});
