/**
 * The agent's memory (issue 15): questions and final answers only, never error turns; pruned to a token budget
 * counted on the rendered turns, oldest first.
 */
import { message, renderMessage } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { AgentMemory, turnTokens } from "../../packages/overtone/src/agent/index.js";

describe("AgentMemory", () => {
  it("counts a turn as its rendered user and final messages", () => {
    const turn = { question: "How many orders?", answer: "1,204." };
    const user = renderMessage(message("user", turn.question)).length;
    const final = renderMessage(message("assistant", turn.answer, { channel: "final" })).length;
    expect(turnTokens(turn)).toBe(user + final);
  });

  it("prunes the oldest turns to stay within the budget", () => {
    const turn = (i: number) => ({ question: `Question number ${i}?`, answer: `Answer number ${i}.` });
    const size = turnTokens(turn(1));
    const memory = new AgentMemory({ budgetTokens: size * 3 });
    for (let i = 1; i <= 5; i++) memory.remember(turn(i).question, turn(i).answer);
    expect(memory.turns()).toEqual([turn(3), turn(4), turn(5)]);
    expect(memory.tokens).toBeLessThanOrEqual(size * 3);
  });

  it("refuses a turn without an answer: failed turns never enter memory", () => {
    const memory = new AgentMemory();
    expect(() => memory.remember("What failed?", "  ")).toThrow(/only turns that succeeded/);
    expect(memory.turns()).toEqual([]);
  });

  it("rejects a bad budget with a hint", () => {
    expect(() => new AgentMemory({ budgetTokens: -1 })).toThrow(/budgetTokens: -1/);
  });
});
