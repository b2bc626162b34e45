/**
 * Error correction in an isolated context (issue 15; reference/bench-and-agent.md B1, B8). When a step's output
 * fails (SQL that does not parse, a refused query, an unknown column, an empty answer cut by the token budget),
 * the fix is asked for in a prompt of its own: the task context, what was asked, the failed output and the error
 * text, with instructions chosen by the kind of error — and no conversation history, so a string of failures
 * never enters the conversation or its memory (field report 002). At most `maxRetries` corrections; then the
 * last failure is thrown, with every attempt's error on it.
 */
import { InputError } from "@overtone/errors";

/** A step's output that failed, and why. `kind` picks the correction instructions. */
export interface StepFailure {
  kind: string;
  /** The error text as the executor gave it (DuckDB's message, the parser's): the model reads it. */
  message: string;
  /** The output that failed (the query, the tool call's arguments), when there was one. */
  output?: string;
}

/** Thrown by a step to ask for a correction rather than fail the turn. */
export class CorrectableError extends Error {
  constructor(readonly failure: StepFailure) {
    super(`${failure.kind}: ${failure.message}`);
    this.name = "CorrectableError";
  }
}

export interface CorrectionOptions<T> {
  /** Runs the step once more from a correction prompt built for `failure` (attempt 1, 2, …). */
  correct: (failure: StepFailure, attempt: number) => Promise<T>;
  /** Corrections after the first try; default 3, as PandasAI. */
  maxRetries?: number;
}

export interface Corrected<T> {
  value: T;
  /** The failures corrected on the way, in order (empty when the first try worked). */
  failures: StepFailure[];
}

const DEFAULT_RETRIES = 3;

/** `first()`, and on a CorrectableError up to `maxRetries` isolated corrections. Other errors pass through. */
export async function withCorrection<T>(
  first: () => Promise<T>,
  options: CorrectionOptions<T>,
): Promise<Corrected<T>> {
  const maxRetries = options.maxRetries ?? DEFAULT_RETRIES;
  const failures: StepFailure[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      const value =
        attempt === 0 ? await first() : await options.correct(failures.at(-1) as StepFailure, attempt);
      return { value, failures };
    } catch (error) {
      if (!(error instanceof CorrectableError)) throw error;
      failures.push(error.failure);
      if (attempt >= maxRetries) {
        throw new InputError(
          `still failing after ${maxRetries} correction${maxRetries === 1 ? "" : "s"}: ${error.message}`,
          {
            where: "correction loop",
            hint: "rephrase the question, or use a larger model or a higher reasoning effort for correction",
            cause: failures,
          },
        );
      }
    }
  }
}

/** The correction prompt's user message: what failed and how, with instructions for this kind of error. */
export function correctionRequest(
  question: string,
  failure: StepFailure,
  instructions: Readonly<Record<string, string>>,
): string {
  const howTo = instructions[failure.kind] ?? instructions.default ?? "Fix the output so that it works.";
  return [
    `The request was: ${question}`,
    ...(failure.output !== undefined ? ["", "This output failed:", failure.output] : []),
    "",
    `The error (${failure.kind}):`,
    failure.message,
    "",
    howTo,
  ].join("\n");
}
