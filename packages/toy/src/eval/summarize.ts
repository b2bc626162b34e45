/**
 * The toy model's behavioural report over held-out cases, with the targets of issue 5: ≥ 95 % structured
 * (strict parse as analysis + final), ≥ 90 % valid calls where a tool fits, ≥ 80 % finals that use the tool's
 * result, and median analysis length strictly growing low → medium → high by ≥ 1.5× per step.
 */
import type { HeldOutCase } from "../corpus/corpus.js";
import { median } from "../corpus/corpus-stats.js";
import type { Effort } from "../corpus/task.js";
import type { CaseScore } from "./score-case.js";

export const TOY_TARGETS = Object.freeze({
  structured: 0.95,
  validCall: 0.9,
  finalMentionsResult: 0.8,
  effortStep: 1.5,
});

export interface Rate {
  hits: number;
  total: number;
  rate: number;
}

export interface ToyReport {
  structured: Rate;
  validCall: Rate;
  finalMentionsResult: Rate;
  /** Reported, not a target: answer cases whose final holds the expected answer. */
  answerCorrect: Rate;
  medianAnalysisTokens: Record<Effort, number>;
  /** medium ÷ low and high ÷ medium. */
  effortSteps: [number, number];
  /** Each target, met or not, in words. */
  verdicts: { target: string; met: boolean }[];
}

function rate(flags: readonly (boolean | undefined)[]): Rate {
  const counted = flags.filter((f): f is boolean => f !== undefined);
  const hits = counted.filter(Boolean).length;
  return { hits, total: counted.length, rate: counted.length === 0 ? 0 : hits / counted.length };
}

export function summarize(cases: readonly HeldOutCase[], scores: readonly CaseScore[]): ToyReport {
  const lengths = (effort: Effort) =>
    scores.flatMap((s, i) =>
      cases[i]?.effort === effort && s.analysisTokens !== undefined ? [s.analysisTokens] : [],
    );
  // No analysis at an effort counts as length 0 (corpus-stats' median is NaN for an empty list).
  const medianOr0 = (effort: Effort) => median(lengths(effort)) || 0;
  const medians = { low: medianOr0("low"), medium: medianOr0("medium"), high: medianOr0("high") };
  const steps: [number, number] = [medians.medium / (medians.low || 1), medians.high / (medians.medium || 1)];
  const report = {
    structured: rate(scores.map((s) => s.structured)),
    validCall: rate(scores.map((s) => s.validCall)),
    finalMentionsResult: rate(scores.map((s) => s.finalMentionsResult)),
    answerCorrect: rate(scores.map((s) => s.answerCorrect)),
    medianAnalysisTokens: medians,
    effortSteps: steps,
  };
  const pct = (r: Rate) => `${(r.rate * 100).toFixed(1)}% (${r.hits}/${r.total})`;
  const verdicts = [
    {
      target: `structured ${pct(report.structured)} ≥ 95%`,
      met: report.structured.rate >= TOY_TARGETS.structured,
    },
    {
      target: `valid calls ${pct(report.validCall)} ≥ 90%`,
      met: report.validCall.rate >= TOY_TARGETS.validCall,
    },
    {
      target: `finals using the result ${pct(report.finalMentionsResult)} ≥ 80%`,
      met: report.finalMentionsResult.rate >= TOY_TARGETS.finalMentionsResult,
    },
    {
      target: `analysis medians low ${medians.low} → medium ${medians.medium} → high ${medians.high}, steps ${steps.map((s) => `${s.toFixed(2)}×`).join(", ")} ≥ 1.5×`,
      met: steps.every((s) => s >= TOY_TARGETS.effortStep),
    },
  ];
  return { ...report, verdicts };
}

/** The report as a few lines of text. */
export function formatToyReport(report: ToyReport): string {
  const lines = report.verdicts.map((v) => `${v.met ? "✓" : "✗"} ${v.target}`);
  const a = report.answerCorrect;
  lines.push(`  answers containing the expected value: ${(a.rate * 100).toFixed(1)}% (${a.hits}/${a.total})`);
  return lines.join("\n");
}
