import { SeededRandom } from "@overtone/makers";
import { describe, expect, it } from "vitest";
import { drawArithmetic } from "./arithmetic-tasks.js";
import { drawCapital } from "./capital-tasks.js";
import { drawConversion, hundredthsText } from "./conversion-tasks.js";
import { drawString } from "./string-tasks.js";
import { type AnswerTask, EFFORTS } from "./task.js";

/** Every "x op y = z" (with optional parentheses) in a text, checked with exact rational arithmetic. */
function falseEquations(text: string): string[] {
  const wrong: string[] = [];
  const equation = /(\(?-?\d+(?:\.\d+)?(?:\s[-+*/]\s\(?-?\d+(?:\.\d+)?\)?)+)\s=\s(-?\d+(?:\.\d+)?)/g;
  for (const match of text.matchAll(equation)) {
    const [, left, right] = match as unknown as [string, string, string];
    // Scale decimals to integers (hundredths) so 37 * 0.62 is checked exactly, not in floating point.
    const scaled = left.replace(/-?\d+(?:\.\d+)?/g, (n) => `(${Math.round(Number(n) * 100)}/100)`);
    const value = Function(`"use strict"; return (${scaled});`)() as number;
    if (Math.abs(value - Number(right)) > 1e-9) wrong.push(match[0]);
  }
  return wrong;
}

function draws(draw: (rng: SeededRandom) => AnswerTask, n: number, seed: number): AnswerTask[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => draw(rng));
}

const allTexts = (t: AnswerTask) => [...EFFORTS.map((e) => t.analysis[e]), t.final];

describe("arithmetic and conversion tasks", () => {
  it("the equation checker catches a false equation (so the tests below can fail)", () => {
    expect(falseEquations("12 + 7 = 19. 3 * 0.62 = 1.86. (41 - 32) * 5 / 9 = 5.")).toEqual([]);
    expect(falseEquations("12 + 7 = 20. 3 * 0.62 = 1.9")).toEqual(["12 + 7 = 20", "3 * 0.62 = 1.9"]);
  });

  it("work out only true equations, and the final answer holds the result", () => {
    for (const task of [...draws(drawArithmetic, 1000, 1), ...draws(drawConversion, 1000, 2)]) {
      for (const text of allTexts(task)) expect(falseEquations(text), text).toEqual([]);
      expect(task.final).toContain(task.answerContains);
      // The reasoning at every effort reaches the answer the final gives.
      for (const effort of EFFORTS) expect(task.analysis[effort]).toContain(task.answerContains);
    }
  });

  it("answers the question that was asked", () => {
    for (const task of draws(drawArithmetic, 500, 3)) {
      const [a, b] = (task.question.match(/\d+/g) ?? []).map(Number) as [number, number];
      const op = /\+|plus|Add/.test(task.question)
        ? a + b
        : /-|minus|Subtract/.test(task.question)
          ? a - b
          : a * b;
      expect(task.answerContains, task.question).toBe(
        String(task.question.startsWith("Subtract") ? b - a : op),
      );
    }
  });

  it("prints hundredths as the shortest decimal", () => {
    expect([2294, 620, 300, 5, -150].map(hundredthsText)).toEqual(["22.94", "6.2", "3", "0.05", "-1.5"]);
  });
});

describe("capital and string tasks", () => {
  it("answer string tasks correctly, computed here independently", () => {
    for (const task of draws(drawString, 1000, 4)) {
      const word = task.fill.split("|")[1] as string;
      const letter = task.fill.split("|")[2] as string;
      expect(task.question).toContain(word);
      const expected = task.fill.startsWith("reverse")
        ? [...word].reverse().join("")
        : task.fill.startsWith("capitals")
          ? word.toUpperCase()
          : task.fill.startsWith("length")
            ? String(word.length)
            : `${[...word].filter((l) => l === letter).length} time`;
      expect(task.answerContains.startsWith(expected), task.question).toBe(true);
      expect(task.final).toContain(task.answerContains);
    }
  });

  it("keep the capital in the reasoning and the answer", () => {
    for (const task of draws(drawCapital, 200, 5)) {
      const country = task.fill.split("|")[1] as string;
      expect(task.question).toContain(country);
      for (const text of allTexts(task)) expect(text).toContain(task.answerContains);
    }
  });
});
