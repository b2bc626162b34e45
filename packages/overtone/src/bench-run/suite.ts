/**
 * What a ladder runs on each model: suites of cases (issue 16 item 3). A case says what to send — a Harmony
 * conversation, which every backend takes (a non-Harmony model's backend renders it its own way) — and how to
 * judge what came back. The runner (run-ladder.ts) measures the call (measure-call.ts) and writes the record
 * (bench/call-record.ts) from the case's verdict; the suites (built-in and the user's YAML) only build cases.
 *
 * A check is async because some are: a JavaScript assertion file is imported, a model-graded check calls a
 * grader backend. A check never throws for a bad answer: it says so in its verdict.
 */
import type { Conversation } from "@overtone/harmony";
import type { Effort } from "../backends/contract.js";
import type { CallError } from "../bench/call-record.js";

/** The model's output as a check sees it. */
export interface CaseOutput {
  /** The answer (final channel; a non-Harmony model's whole reply). */
  answer: string;
  /** The reasoning, empty when none. */
  reasoning: string;
  /** Tool calls made, as `recipient(arguments)`. */
  toolCalls: readonly string[];
  finishReason: string;
}

export interface CaseVerdict {
  /** Every check of the case passed: success rates count this. */
  success: boolean;
  /** The answer had the shape the case asks for (a list, JSON, a label); null when the case asks no shape. */
  parsedOk: boolean | null;
  /** Items found in a list answer (brainstorm's idea_count), null when not a list task. */
  ideaCount: number | null;
  /** Safety findings (a command the safe-mode suite should have refused, …), empty when none. */
  riskFlags: string[];
  /** What failed, one entry per failed check (`kind: "assertion"`, a message naming the check). */
  errors: CallError[];
}

export interface BenchCase {
  /** Unique within its suite; with the suite, model and repetition it makes the call's id. */
  id: string;
  /** Which wording of the prompt this is (`brainstorm@v1`): a changed prompt must not be compared as the same. */
  promptVersion: string;
  /** The case's own inputs (issue text, n, creativity, …), recorded as the call's `input`. */
  input: Record<string, unknown>;
  conversation: Conversation;
  /** Reasoning effort for gpt-oss (the system message's), when the case sets one. */
  effort?: Effort;
  /** Output token budget for this case; the ladder's default otherwise. */
  maxTokens?: number;
  check(output: CaseOutput): Promise<CaseVerdict>;
}

export interface BenchSuite {
  name: string;
  cases: readonly BenchCase[];
}

/** A verdict from pass/fail checks: `failures` are the messages of the checks that failed. */
export function verdict(
  failures: readonly string[],
  fields: Partial<Omit<CaseVerdict, "success" | "errors">> = {},
): CaseVerdict {
  return {
    success: failures.length === 0,
    parsedOk: fields.parsedOk ?? null,
    ideaCount: fields.ideaCount ?? null,
    riskFlags: fields.riskFlags ?? [],
    errors: failures.map((message) => ({ kind: "assertion", message })),
  };
}
