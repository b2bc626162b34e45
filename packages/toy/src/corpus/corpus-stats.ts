/**
 * Figures about a generated corpus: sizes, token lengths, distinct ids and the median analysis length per
 * effort (the property the trainer and the evaluation rely on: each effort step at least ~2× longer).
 */
import type { CorpusExample } from "./corpus.js";
import { CATEGORIES, type Category, EFFORTS, type Effort } from "./task.js";

export interface CorpusStats {
  examples: number;
  tokens: number;
  /** Tokens with loss (what the model generates). */
  maskedTokens: number;
  distinctIds: number;
  length: { min: number; median: number; p90: number; max: number; over300: number };
  /** Median token count of the turn's first analysis, per effort. */
  analysisMedian: Readonly<Record<Effort, number>>;
  categories: Readonly<Record<Category, number>>;
  toolCalls: number;
}

/** The middle value (the mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

export function corpusStats(examples: readonly CorpusExample[]): CorpusStats {
  const ids = new Set<number>();
  const lengths: number[] = [];
  let masked = 0;
  let toolCalls = 0;
  const analysis: Record<Effort, number[]> = { low: [], medium: [], high: [] };
  const categories = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const example of examples) {
    for (const id of example.tokens) ids.add(id);
    for (const bit of example.lossMask) masked += bit;
    lengths.push(example.tokens.length);
    analysis[example.effort].push(example.analysisTokens);
    categories[example.category] += 1;
    if (example.expected.kind === "tool") toolCalls += 1;
  }
  const sorted = [...lengths].sort((a, b) => a - b);
  return {
    examples: examples.length,
    tokens: lengths.reduce((a, b) => a + b, 0),
    maskedTokens: masked,
    distinctIds: ids.size,
    length: {
      min: sorted[0] ?? Number.NaN,
      median: median(sorted),
      p90: percentile(sorted, 0.9),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      over300: lengths.filter((n) => n > 300).length,
    },
    analysisMedian: Object.fromEntries(EFFORTS.map((e) => [e, median(analysis[e])])) as Record<
      Effort,
      number
    >,
    categories,
    toolCalls,
  };
}
