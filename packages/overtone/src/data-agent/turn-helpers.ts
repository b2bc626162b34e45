/**
 * Small pieces of the data agent's turn (data-agent.ts): the tool call's JSON arguments read leniently, and the
 * correction loop's final error made one line.
 */
import { InputError } from "@overtone/errors";
import { parseJsonText } from "@overtone/harmony";

/**
 * The correction loop's final error on one line: DuckDB's text repeats the query under `LINE 1:` with a caret,
 * which a terminal's one error line (and a script reading stderr) does not want. The failures stay as its cause.
 */
export function oneLineError(error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  const text = error.message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^LINE \d+:/.test(line) && line !== "^")
    .join(" ");
  const failures = Array.isArray(error.cause) ? (error.cause as { kind?: string }[]) : [];
  const cut = failures.at(-1)?.kind === "length";
  return new InputError(text, {
    where: "data agent",
    hint: cut
      ? "raise the token budget (--max-tokens; the reasoning counts toward it) or lower the effort"
      : (error.hint ?? "rephrase the question"),
    cause: error.cause,
  });
}

export function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value = parseJsonText(text, "the tool call's arguments");
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
