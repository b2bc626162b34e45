/**
 * A model with random weights (the tiny gpt-oss of the tests, a broken conversion) must never pass a behavioural
 * probe: its output may happen to land in the right channel, or a grammar may force it into valid JSON, and still
 * mean nothing. So before judging behaviour the doctor asks whether the output is language at all — the share of
 * its words that look like words (Latin letters and digits with ordinary punctuation; random draws from the
 * 201,088-token vocabulary are mostly fragments of code, other scripts and glued pieces) — and whether any
 * known-answer question was answered right. Neither: the behaviour is `inconclusive`, with why.
 */
import type { Turn } from "./turn.js";

/** Below this share of word-like words, text is not taken for language. */
export const LANGUAGE_THRESHOLD = 0.6;

const WORD = /^[("'*]*[A-Za-z0-9][A-Za-z0-9'’%°.,!?;:()\-*+/=]*$/;

/** The share of whitespace-separated words that look like words (0 for no words). */
export function languageScore(text: string): number {
  const words = text.split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return 0;
  const wordLike = words.filter((w) => w.length <= 24 && WORD.test(w)).length;
  return wordLike / words.length;
}

/** Markup of Harmony in text meant for a person: the server did not parse the model's output. */
export function harmonyLeak(text: string): string | undefined {
  const marker = /<\|(start|end|message|channel|constrain|call|return)\|>/.exec(text);
  if (marker !== null) return marker[0];
  const stripped = /^\s*(analysis\S|commentary to=|assistantfinal)|assistant(final|analysis|commentary)/.exec(
    text,
  );
  return stripped === null ? undefined : stripped[0].trim();
}

export interface Sanity {
  language: boolean;
  score: number;
  rightAnswers: number;
  why?: string;
}

/** Whether turns read as a trained model's output; `answers` the expected text per turn, where known. */
export function judgeSanity(turns: readonly Turn[], answers: readonly (string | undefined)[] = []): Sanity {
  const text = turns.map((t) => `${t.analysis} ${t.final} ${t.commentary}`).join(" ");
  const score = Math.round(languageScore(text) * 100) / 100;
  const rightAnswers = turns.filter((t, i) => {
    const expected = answers[i];
    return expected !== undefined && t.final.includes(expected);
  }).length;
  if (score >= LANGUAGE_THRESHOLD || rightAnswers > 0) return { language: true, score, rightAnswers };
  return {
    language: false,
    score,
    rightAnswers,
    why: `the output is not language (${Math.round(score * 100)}% word-like words, no known answer right): random or broken weights, so its behaviour cannot be judged`,
  };
}
