import type { Message } from "@overtone/harmony";
import {
  CALL,
  conversation,
  decode,
  parseCompletionTokens,
  RETURN,
  renderConversationForCompletion,
  renderConversationForTraining,
  renderConversationText,
} from "@overtone/harmony";
import { SeededRandom } from "@overtone/makers";
import { describe, expect, it } from "vitest";
import { corpusExample, type DetailedExample } from "./corpus.js";

const rng = new SeededRandom(5);
const examples: DetailedExample[] = Array.from({ length: 300 }, (_, i) =>
  corpusExample(rng, i % 3 === 0 ? "heldout" : "train"),
);

/**
 * The generated runs of a turn, found from the conversation alone: after the last user message, consecutive
 * assistant messages form a run, and a tool's result separates runs.
 */
function runsOf(messages: readonly Message[]): { from: number; to: number }[] {
  const lastUser = messages.findLastIndex((m) => m.author.role === "user");
  const runs: { from: number; to: number }[] = [];
  for (let i = lastUser + 1; i < messages.length; i++) {
    if (messages[i]?.author.role !== "assistant") continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.to === i) last.to = i + 1;
    else runs.push({ from: i, to: i + 1 });
  }
  return runs;
}

describe("example tokens and loss mask", () => {
  it("are exactly the renderer's training render of the conversation, analysis kept", () => {
    for (const e of examples) {
      expect([...e.tokens]).toEqual(
        renderConversationForTraining(e.conversation, { autoDropAnalysis: false }),
      );
      expect(e.lossMask.length).toBe(e.tokens.length);
    }
  });

  it("mask exactly the generated runs, each after a prompt the renderer produces itself", () => {
    let toolTurns = 0;
    let withHistory = 0;
    for (const e of examples) {
      const messages = e.conversation.messages;
      const runs = runsOf(messages);
      expect(runs.length).toBe(e.runs.length);
      const inRun = new Uint8Array(e.tokens.length);
      runs.forEach((run, r) => {
        // What the model sees before writing: the conversation so far, rendered for completion with the
        // default (Python-like) analysis dropping, then `<|start|>assistant`.
        const prompt = renderConversationForCompletion(
          conversation(messages.slice(0, run.from)),
          "assistant",
        );
        const { start, end } = e.runs[r] as { start: number; end: number };
        expect(start).toBe(prompt.length);
        expect([...e.tokens.subarray(0, start)]).toEqual(prompt);
        expect([RETURN, CALL]).toContain(e.tokens[end - 1]);
        inRun.fill(1, start, end);
      });
      expect([...e.lossMask]).toEqual([...inRun]);
      expect(e.promptLength).toBe(e.runs[0]?.start);
      if (runs.length === 2) toolTurns++;
      if (messages.filter((m) => m.author.role === "user").length > 1) withHistory++;
    }
    expect(toolTurns).toBeGreaterThan(30);
    expect(withHistory).toBeGreaterThan(20);
  });

  it("masked spans decode to the assistant messages' rendered text and parse back to them", () => {
    for (const e of examples) {
      const messages = e.conversation.messages;
      runsOf(messages).forEach((run, r) => {
        const { start, end } = e.runs[r] as { start: number; end: number };
        const span = [...e.tokens.subarray(start, end)];
        const runMessages = messages.slice(run.from, run.to);
        let text = renderConversationText(conversation(runMessages), { autoDropAnalysis: false });
        text = text.slice("<|start|>assistant".length);
        if (runMessages.at(-1)?.channel === "final") text = `${text.slice(0, -"<|end|>".length)}<|return|>`;
        expect(decode(span)).toBe(text);
        const parsed = parseCompletionTokens(span, { role: "assistant" }).map((p) => p.message);
        expect(parsed).toEqual(runMessages);
      });
    }
  });

  it("keep no analysis from earlier turns, as Harmony drops it", () => {
    for (const e of examples) {
      const messages = e.conversation.messages;
      const lastUser = messages.findLastIndex((m) => m.author.role === "user");
      expect(messages.slice(0, lastUser).some((m) => m.channel === "analysis")).toBe(false);
    }
  });
});
