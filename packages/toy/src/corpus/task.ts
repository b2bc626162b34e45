/**
 * A task is one filled question template and everything the assistant says about it. Answer tasks carry their
 * reasoning at each effort and the final answer; tool tasks carry the tool call the question implies (their
 * reasoning depends on which tools the developer message lists, so it is written when the example is built).
 */
import { ConfigError } from "@overtone/errors";
import type { SeededRandom } from "@overtone/makers";
import { hashOf } from "./random-choice.js";
import type { ToolQuestion, ToolSpec } from "./tool-spec.js";

export type Effort = "low" | "medium" | "high";
export const EFFORTS: readonly Effort[] = ["low", "medium", "high"];

/** Reasoning at each effort: about one sentence at low, three at medium, six at high. */
export type Analysis = Readonly<Record<Effort, string>>;

/** "data": the data agent's job (data-agent-example.ts), interleaved with the others by generateCorpus. */
export type Category = "tool" | "arithmetic" | "conversion" | "capital" | "string" | "data";
export const CATEGORIES: readonly Category[] = [
  "tool",
  "arithmetic",
  "conversion",
  "capital",
  "string",
  "data",
];
/** The categories of a plain answer (no tool, no data). */
export type AnswerCategory = Exclude<Category, "tool" | "data">;

export interface AnswerTask {
  kind: "answer";
  category: AnswerCategory;
  fill: string;
  question: string;
  analysis: Analysis;
  final: string;
  /** Text a correct final answer contains (the result, the capital, the word). */
  answerContains: string;
}

export interface ToolTask extends ToolQuestion {
  kind: "tool";
  category: "tool";
  spec: ToolSpec;
}

export type Task = AnswerTask | ToolTask;

export type Split = "train" | "heldout";

/** One in eight fills is held out: decided by the fill alone, so the splits never share a fill. */
const HELD_OUT_ONE_IN = 8;

export function isHeldOutFill(fill: string): boolean {
  return hashOf("held-out", fill) % HELD_OUT_ONE_IN === 0;
}

/** Enough for any family with one held-out fill in a few hundred; a family without one is a bug. */
const MAX_DRAWS = 10_000;

/** Draws until the fill belongs to `split`. */
export function drawInSplit<T extends { fill: string }>(
  rng: SeededRandom,
  split: Split,
  draw: (rng: SeededRandom) => T,
): T {
  const wantHeldOut = split === "heldout";
  let last = "";
  for (let i = 0; i < MAX_DRAWS; i++) {
    const candidate = draw(rng);
    if (isHeldOutFill(candidate.fill) === wantHeldOut) return candidate;
    last = candidate.fill;
  }
  throw new ConfigError(`no ${split} fill in ${MAX_DRAWS} draws (last: ${last})`, {
    where: "toy corpus templates",
    hint: "a template family needs fills on both sides of the held-out rule",
  });
}

/** "g, a, r, d, e, n": how the analysis spells a word out. */
export function spelled(letters: readonly string[]): string {
  return letters.join(", ");
}

/** "1 time", "3 times". */
export function times(count: number): string {
  return count === 1 ? "1 time" : `${count} times`;
}
