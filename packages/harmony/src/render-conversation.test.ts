import { HarmonyRenderError } from "@overtone/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  conversation,
  developerContent,
  message,
  systemContent,
  withFunctionTools,
  withTools,
} from "./builders.js";
import {
  renderConversation,
  renderConversationForCompletion,
  renderConversationForCompletionText,
  renderConversationForTraining,
  renderConversationForTrainingText,
  renderConversationText,
} from "./render-conversation.js";
import { renderMessage } from "./render-message.js";
import { clearPieceCache } from "./render-pieces.js";
import { CALL, END, RETURN, START } from "./special-tokens.js";
import { decodeUtf8 } from "./tokenizer.js";
import type { Message } from "./types.js";

const user = (text: string) => message("user", text);
const analysis = (text: string) => message("assistant", text, { channel: "analysis" });
const final = (text: string) => message("assistant", text, { channel: "final" });
const commentary = (text: string) =>
  message("assistant", text, { channel: "commentary", recipient: "functions.f" });
const FUNCTIONS_LINE = "Calls to these tools must go to the commentary channel: 'functions'.";

/** Which message texts survive a render, in order. */
function kept(messages: Message[], config?: { autoDropAnalysis?: boolean }): string[] {
  const text = renderConversationText(conversation(messages), config);
  return [...text.matchAll(/<\|message\|>(.*?)<\|(?:end|call)\|>/gs)].map((m) => m[1] as string);
}

describe("analysis dropping", () => {
  const turns = [user("q1"), analysis("a1"), final("f1"), user("q2"), analysis("a2"), final("f2")];

  it("drops only analysis before the first final, by default", () => {
    expect(kept(turns)).toEqual(["q1", "f1", "q2", "a2", "f2"]);
    expect(kept(turns, {})).toEqual(["q1", "f1", "q2", "a2", "f2"]);
  });

  it("keeps everything when told not to drop", () => {
    expect(kept(turns, { autoDropAnalysis: false })).toEqual(["q1", "a1", "f1", "q2", "a2", "f2"]);
  });

  it("drops nothing unless the last assistant message is final", () => {
    const toolTurn = [
      ...turns,
      user("q3"),
      analysis("a3"),
      commentary("c3"),
      message("tool", "r3", { name: "functions.f" }),
    ];
    expect(kept(toolTurn)).toEqual(["q1", "a1", "f1", "q2", "a2", "f2", "q3", "a3", "c3", "r3"]);
    expect(kept([user("q"), analysis("a")])).toEqual(["q", "a"]);
  });

  it("counts the last assistant message even when a user message follows it", () => {
    expect(kept([user("q1"), analysis("a1"), final("f1"), user("q2")])).toEqual(["q1", "f1", "q2"]);
  });

  it("uses the first final message of any role, and drops analysis of any role before it", () => {
    const odd = [
      message("user", "u", { channel: "analysis" }),
      message("user", "uf", { channel: "final" }),
      analysis("a"),
      final("f"),
    ];
    expect(kept(odd)).toEqual(["uf", "a", "f"]);
  });
});

describe("function tools line", () => {
  const system = message("system", { type: "system_content", ...systemContent() });
  const tool = { name: "f", description: "F" };

  it("appears when a developer message has a non-empty functions namespace", () => {
    const dev = message("developer", {
      type: "developer_content",
      ...withFunctionTools(developerContent(), [tool]),
    });
    expect(renderConversationText(conversation([system, dev]))).toContain(
      `every message.\n${FUNCTIONS_LINE}<|end|>`,
    );
    // The developer message may come after the system message or anywhere else.
    expect(renderConversationText(conversation([dev, system]))).toContain(FUNCTIONS_LINE);
  });

  it("does not appear for empty functions, other keys, or function tools in the system message", () => {
    const emptyFunctions = withFunctionTools(developerContent(), []);
    const otherKey = { tools: { fns: { name: "functions", tools: [tool] } } };
    for (const dev of [emptyFunctions, otherKey]) {
      const messages = [system, message("developer", { type: "developer_content" as const, ...dev })];
      expect(renderConversationText(conversation(messages))).not.toContain(FUNCTIONS_LINE);
    }
    const systemWithFunctions = message("system", {
      type: "system_content",
      ...withTools(systemContent(), { name: "functions", tools: [tool] }),
    });
    expect(renderConversationText(conversation([systemWithFunctions]))).not.toContain(FUNCTIONS_LINE);
  });
});

describe("completion and training", () => {
  const conv = conversation([user("hi"), final("hello")]);

  it("appends <|start|> and the next role for a completion", () => {
    expect(renderConversationForCompletion(conv, "assistant")).toEqual([
      ...renderConversation(conv),
      START,
      173781,
    ]);
    expect(renderConversationForCompletionText(conv, "user")).toBe(
      `${renderConversationText(conv)}<|start|>user`,
    );
    expect(() => renderConversationForCompletion(conv, "bot" as "user")).toThrow(HarmonyRenderError);
  });

  it("ends a closing final answer with <|return|>, even one with a recipient", () => {
    expect(renderConversationForTraining(conv)).toEqual([...renderConversation(conv).slice(0, -1), RETURN]);
    expect(renderConversationForTrainingText(conv)).toBe(
      "<|start|>user<|message|>hi<|end|><|start|>assistant<|channel|>final<|message|>hello<|return|>",
    );
    const finalCall = conversation([
      user("hi"),
      message("assistant", "x", { channel: "final", recipient: "functions.f" }),
    ]);
    expect(renderConversation(finalCall).at(-1)).toBe(CALL);
    expect(renderConversationForTraining(finalCall).at(-1)).toBe(RETURN);
  });

  it("leaves other endings alone", () => {
    for (const messages of [[user("hi")], [user("hi"), analysis("a")], [final("f"), user("hi")], []]) {
      const c = conversation(messages);
      expect(renderConversationForTraining(c)).toEqual(renderConversation(c));
    }
    expect(renderConversation(conversation([]))).toEqual([]);
  });

  it("drops analysis in training renders by default, too", () => {
    const withThoughts = conversation([user("q"), analysis("a"), final("f")]);
    expect(renderConversationForTrainingText(withThoughts)).not.toContain("a<|end|>");
    expect(renderConversationForTrainingText(withThoughts, { autoDropAnalysis: false })).toContain(
      ">a<|end|>",
    );
  });
});

describe("errors", () => {
  it("name the offending message in the hint", () => {
    const conv = conversation([user("hi"), message("tool", "r")]);
    expect(() => renderConversation(conv)).toThrow("Tools should have a name!");
    try {
      renderConversation(conv);
    } catch (error) {
      expect((error as HarmonyRenderError).hint).toContain("conversation.messages[1]");
    }
  });
});

describe("rendering is a pure function of the conversation", () => {
  const anyMessage = fc.record({
    role: fc.constantFrom("user" as const, "assistant" as const),
    text: fc.string({ unit: "binary", maxLength: 40 }),
    channel: fc.option(fc.constantFrom("analysis", "final", "commentary"), { nil: undefined }),
  });

  it("same tokens cold and warm, tokens decode to the text, and = concatenated single renders when nothing drops", () => {
    fc.assert(
      fc.property(fc.array(anyMessage, { maxLength: 8 }), (specs) => {
        const messages = specs.map((s) =>
          message(s.role, s.text, s.channel === undefined ? {} : { channel: s.channel }),
        );
        const conv = conversation(messages);
        clearPieceCache();
        const cold = renderConversation(conv, { autoDropAnalysis: false });
        const warm = renderConversation(conv, { autoDropAnalysis: false });
        expect(warm).toEqual(cold);
        expect(decodeUtf8(cold)).toBe(renderConversationText(conv, { autoDropAnalysis: false }));
        expect(cold).toEqual(messages.flatMap((m) => renderMessage(m)));
        expect(cold.filter((t) => t === END || t === CALL)).toHaveLength(messages.length);
      }),
      { numRuns: 100 },
    );
  });
});
