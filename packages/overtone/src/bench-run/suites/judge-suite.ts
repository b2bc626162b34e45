/**
 * `judge`: a fixed list of ideas to rank, asked with the assistant service's own judge prompt
 * (assist-prompts.ts) and read with its ranking parser (list-parsing.ts). A case passes when the answer places
 * every idea exactly once (parsed_ok).
 *
 * Top-1 consistency over repeats (report 004: "consistent top-1 rationale on repeated runs") is a property of
 * several calls, not of one verdict, and CaseVerdict has no field for a per-call label. So the suite keeps it
 * derivable instead of squeezing it into `errors` or `riskFlags`: the case's `input` records the ideas in the
 * order they were shown, the call record keeps the raw answer, and `judgeTopChoice(answer, ideas)` gives the
 * top-1 of any recorded call — the report groups calls by case and counts how often the commonest top-1 won.
 * (Carrying it in the record directly would need an optional `labels` on CaseVerdict; see docs/bench.md.)
 */
import { DEFAULT_CRITERIA, judgePrompt } from "../../assist/assist-prompts.js";
import { parseRanking } from "../../assist/list-parsing.js";
import { type BenchCase, type BenchSuite, type CaseOutput, type CaseVerdict, verdict } from "../suite.js";
import { assistConversation, excerpt, reasoningLeak } from "./suite-kit.js";

export const JUDGE_PROMPT_VERSION = "judge@v1";

/** Idea lists to rank: one with a clear best (the robust fix), one of near-equals (where consistency shows). */
export const JUDGE_LISTS: ReadonlyArray<{ id: string; ideas: readonly string[] }> = [
  {
    id: "flaky-home-wifi",
    ideas: [
      "Move the router to a central, raised spot away from the microwave.",
      "Buy a new laptop.",
      "Switch the router to a less crowded WiFi channel.",
      "Restart the router every hour with a timer plug.",
      "Run a network cable to the desk where the work happens.",
    ],
  },
  {
    id: "offline-backup-plan",
    ideas: [
      "Tether to the phone's mobile data.",
      "Work from a library or café with WiFi.",
      "Download the day's documents the evening before.",
    ],
  },
];

/** The idea the answer ranks first, or null when the answer does not rank every idea. */
export function judgeTopChoice(answer: string, ideas: readonly string[]): string | null {
  const ranking = parseRanking(answer, ideas.length);
  return ranking.parsedOk ? (ideas[ranking.order[0] as number] ?? null) : null;
}

/** Checks one judge answer: every idea placed exactly once, no reasoning in the answer. */
export function checkRanking(output: CaseOutput, ideas: readonly string[]): CaseVerdict {
  const answer = output.answer.trim();
  if (answer === "") return verdict([`no answer (finish: ${output.finishReason})`], { parsedOk: false });
  const ranking = parseRanking(answer, ideas.length);
  const failures: string[] = [];
  if (!ranking.parsedOk) {
    failures.push(`no ranking of all ${ideas.length} ideas (each once): ${excerpt(answer)}`);
  }
  const leak = reasoningLeak(answer, output.reasoning);
  if (leak !== undefined) failures.push(leak);
  return verdict(failures, { parsedOk: ranking.parsedOk });
}

function judgeCase(id: string, ideas: readonly string[]): BenchCase {
  return {
    id,
    promptVersion: JUDGE_PROMPT_VERSION,
    input: { ideas: [...ideas], criteria: DEFAULT_CRITERIA },
    conversation: assistConversation(judgePrompt(ideas, DEFAULT_CRITERIA)),
    check: async (output) => checkRanking(output, ideas),
  };
}

export function judgeSuite(): BenchSuite {
  return { name: "judge", cases: JUDGE_LISTS.map(({ id, ideas }) => judgeCase(id, ideas)) };
}
