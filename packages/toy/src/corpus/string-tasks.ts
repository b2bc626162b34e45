/**
 * String tasks answered without a tool: reverse a word, write it in capitals, count its letters, count one
 * letter. The analysis spells the word out letter by letter, the way a careful reasoner would.
 */
import type { SeededRandom } from "@overtone/makers";
import { pick, pickIndexed } from "./random-choice.js";
import { type Analysis, type AnswerTask, spelled, times } from "./task.js";
import { STRING_WORDS } from "./word-pools.js";

type StringTask = "reverse" | "capitals" | "length" | "count";

interface StringAnswer {
  questions: string[];
  analysis: Analysis;
  final: string;
  answerContains: string;
}

function stringTask(task: StringTask, word: string, letter: string): StringAnswer {
  const letters = [...word];
  const opener = "This is a string task.";
  if (task === "reverse") {
    const reversed = [...letters].reverse();
    const answer = reversed.join("");
    const restate = `The user wants ${word} reversed.`;
    return {
      questions: [
        `Reverse the word ${word}.`,
        `What is ${word} spelled backwards?`,
        `Write ${word} backwards.`,
      ],
      analysis: {
        low: `${word} backwards is ${answer}.`,
        medium: `${restate} The letters are ${spelled(letters)}. Backwards that is ${answer}.`,
        high: `${restate} ${opener} The letters are ${spelled(letters)}. From the end they are ${spelled(reversed)}. Joined together that is ${answer}. So the answer is ${answer}.`,
      },
      final: `${word} backwards is ${answer}.`,
      answerContains: answer,
    };
  }
  if (task === "capitals") {
    const upper = word.toUpperCase();
    const restate = `The user wants ${word} in capital letters.`;
    return {
      questions: [`Write ${word} in capital letters.`, `Convert ${word} to uppercase.`],
      analysis: {
        low: `${word} in capitals is ${upper}.`,
        medium: `${restate} The letters are ${spelled(letters)}. In capitals that is ${upper}.`,
        high: `${restate} ${opener} The letters are ${spelled(letters)}. As capitals they are ${spelled([...upper])}. Joined together that is ${upper}. So the answer is ${upper}.`,
      },
      final: `${word} in capital letters is ${upper}.`,
      answerContains: upper,
    };
  }
  if (task === "length") {
    const n = letters.length;
    const restate = `The user wants the number of letters in ${word}.`;
    const counted = letters.map((l, i) => `${l} is ${i + 1}`).join(", ");
    return {
      questions: [`How many letters are in ${word}?`, `Count the letters in ${word}.`],
      analysis: {
        low: `${word} has ${n} letters.`,
        medium: `${restate} The letters are ${spelled(letters)}. That is ${n} letters.`,
        high: `${restate} ${opener} Count them one by one: ${counted}. The last count is ${n}. So ${word} has ${n} letters.`,
      },
      final: `${word} has ${n} letters.`,
      answerContains: String(n),
    };
  }
  const positions = letters.flatMap((l, i) => (l === letter ? [String(i + 1)] : []));
  const k = positions.length;
  const where =
    k === 1
      ? `position ${positions[0]}`
      : `positions ${positions.slice(0, -1).join(", ")} and ${positions[k - 1]}`;
  const restate = `The user wants to count the letter ${letter} in ${word}.`;
  return {
    questions: [
      `How many times does the letter ${letter} appear in ${word}?`,
      `Count the letter ${letter} in ${word}.`,
    ],
    analysis: {
      low: `${letter} appears ${times(k)} in ${word}.`,
      medium: `${restate} The letters are ${spelled(letters)}. ${letter} appears ${times(k)}.`,
      high: `${restate} ${opener} The letters are ${spelled(letters)}. The letter ${letter} is at ${where}. That is ${k} of them. So ${letter} appears ${times(k)}.`,
    },
    final: `The letter ${letter} appears ${times(k)} in ${word}.`,
    answerContains: times(k),
  };
}

export function drawString(rng: SeededRandom): AnswerTask {
  const task = pick(rng, ["reverse", "capitals", "length", "count"] as const);
  const word = pick(rng, STRING_WORDS);
  const letter = task === "count" ? pick(rng, [...word]) : "";
  const { questions, analysis, final, answerContains } = stringTask(task, word, letter);
  const [question, phrasing] = pickIndexed(rng, questions);
  return {
    kind: "answer",
    category: "string",
    // The phrasing is part of the fill: a held-out string task is a seen answer asked in an unseen way (its
    // letters make tokens of their own, e.g. "tenalp", that no other fill would teach).
    fill: `${task}|${word}|${letter}|${phrasing}`,
    question,
    analysis,
    final,
    answerContains,
  };
}
