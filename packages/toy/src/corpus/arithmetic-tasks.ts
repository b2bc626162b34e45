/**
 * Small arithmetic the analysis really works out: sums and differences of two-digit numbers (tens first, then
 * ones, then a check) and products of a two-digit by a one-digit number (split into tens and ones). Every
 * equation in the text is true; a test recomputes them.
 */
import type { SeededRandom } from "@overtone/makers";
import { intBetween, pick } from "./random-choice.js";
import type { AnswerTask } from "./task.js";

type Operator = "+" | "-" | "*";

const WORD: Readonly<Record<Operator, string>> = { "+": "plus", "-": "minus", "*": "times" };

function operands(rng: SeededRandom, op: Operator): [number, number] {
  if (op === "+") return [intBetween(rng, 10, 99), intBetween(rng, 2, 99)];
  if (op === "-") {
    const a = intBetween(rng, 20, 99);
    return [a, intBetween(rng, 2, a - 1)];
  }
  // 11..29 without multiples of ten, so "split into tens and ones" always has two parts; products stay under 200
  // like every other number in the corpus, so none is too rare to learn.
  const a = pick(rng, [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  return [a, intBetween(rng, 2, Math.min(9, Math.floor(199 / a)))];
}

function question(rng: SeededRandom, op: Operator, a: number, b: number): string {
  const word = WORD[op];
  if (op === "+") return pick(rng, [`What is ${a} + ${b}?`, `What is ${a} plus ${b}?`, `Add ${a} and ${b}.`]);
  if (op === "-")
    return pick(rng, [`What is ${a} - ${b}?`, `What is ${a} minus ${b}?`, `Subtract ${b} from ${a}.`]);
  return pick(rng, [`What is ${a} * ${b}?`, `What is ${a} ${word} ${b}?`, `Multiply ${a} by ${b}.`]);
}

/** The high-effort working: the steps between restating the question and the answer. */
function working(op: Operator, a: number, b: number, r: number): string {
  if (op === "*") {
    const tens = a - (a % 10);
    const ones = a % 10;
    return (
      `Split ${a} into ${tens} and ${ones}. ` +
      `${tens} * ${b} = ${tens * b} and ${ones} * ${b} = ${ones * b}. ` +
      `Add them: ${tens * b} + ${ones * b} = ${r}.`
    );
  }
  const tens = b - (b % 10);
  const ones = b % 10;
  const partial = op === "+" ? a + tens : a - tens;
  const [verb, inverse] = op === "+" ? ["add", "-"] : ["take away", "+"];
  return (
    `First ${verb} the tens: ${a} ${op} ${tens} = ${partial}. ` +
    `Then ${verb} the ones: ${partial} ${op} ${ones} = ${r}. ` +
    `Check: ${r} ${inverse} ${b} = ${a}, which matches.`
  );
}

export function drawArithmetic(rng: SeededRandom): AnswerTask {
  const op = pick(rng, ["+", "-", "*"] as const);
  const [a, b] = operands(rng, op);
  const r = op === "+" ? a + b : op === "-" ? a - b : a * b;
  const equation = `${a} ${op} ${b} = ${r}`;
  const restate = `The user asks for ${a} ${WORD[op]} ${b}.`;
  return {
    kind: "answer",
    category: "arithmetic",
    fill: `${a}${op}${b}`,
    question: question(rng, op, a, b),
    analysis: {
      low: `${equation}.`,
      medium: `${restate} ${equation}. So the answer is ${r}.`,
      high: `${restate} This is plain arithmetic. ${working(op, a, b, r)} So the answer is ${r}.`,
    },
    final: `${equation}.`,
    answerContains: String(r),
  };
}
