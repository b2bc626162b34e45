/**
 * The error a query ends with when it does not give a result. It is an InputError (the SQL is the caller's
 * input: the CLI prints it as one line, code INPUT) with a `reason`, because what to do next differs: the data
 * agent's correction loop (issue 15) picks its repair prompt by it, and feeds the model DuckDB's own words, kept
 * whole in `detail` (the message is one line for a terminal).
 */
import { InputError } from "@overtone/errors";

/**
 * - `refused`: the gate said no (not one SELECT, a table or function outside the allowlist); nothing ran.
 * - `invalid`: DuckDB's parser could not read it.
 * - `failed`: DuckDB bound or ran it and reported an error (unknown column, type mismatch, out of memory, …).
 * - `timeout`: it ran past the time limit and was interrupted.
 */
export type SqlErrorReason = "refused" | "invalid" | "failed" | "timeout";

export class SqlError extends InputError {
  readonly reason: SqlErrorReason;
  /** The SQL that was refused or failed. */
  readonly sql: string;
  /** DuckDB's full error text when DuckDB reported one (all its lines), else the message. */
  readonly detail: string;

  constructor(
    message: string,
    details: { reason: SqlErrorReason; sql: string; hint: string; detail?: string; cause?: unknown },
  ) {
    super(message, { where: "sql", hint: details.hint, cause: details.cause });
    this.reason = details.reason;
    this.sql = details.sql;
    this.detail = details.detail ?? message;
  }
}

/**
 * DuckDB's error text on one line: its `LINE 1: …` echo of the query and the `^` under it only make sense in a
 * monospace block, so they go; every other line (`Candidate bindings: …`, the error itself) stays.
 */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^LINE \d+:/.test(line) && !/^\^$/.test(line))
    .join(" ");
}

/** A DuckDB error while preparing or running `sql`, DuckDB's text kept (the correction loop shows it to the model). */
export function failed(sql: string, error: unknown, reason: "invalid" | "failed"): SqlError {
  const text = error instanceof Error ? error.message : String(error);
  return new SqlError(`the query failed: ${oneLine(text)}`, {
    reason,
    sql,
    hint: "fix the query: check the table and column names and types against the description",
    detail: text,
    cause: error,
  });
}
