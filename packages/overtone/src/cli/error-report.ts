/**
 * How the CLI reports the error that ended a command. By default one line, `overtone: <message> (<hint>)`, which is
 * all a user needs for bad input; an error Overtone did not expect says so ("unexpected error"). `--debug` adds the
 * stack and then every error the first one wraps (`cause`, ES2022), one `cause:` line each followed by its own
 * stack: the GGUF reader's offset under a ConfigError, node-llama-cpp's message, the fs or JSON error behind an
 * InputError — the facts a bug report needs and the one-liner leaves out.
 */
import { inspect } from "node:util";
import { BackendError, isOvertoneError } from "@overtone/errors";

/** Causes followed at most (a cycle or a runaway chain must not flood the terminal). */
const MAX_CAUSES = 10;

/** The text to write to stderr for `error` (ends with a newline). */
export function errorReport(error: unknown, options: { debug: boolean }): string {
  const lines = [headline(error)];
  if (options.debug) {
    if (error instanceof Error && error.stack) lines.push(error.stack);
    const bodies = new Set<string>();
    lines.push(...bodyOf(error, bodies));
    const seen = new Set<unknown>([error]);
    let cause = causeOf(error);
    for (let depth = 0; cause !== undefined && !seen.has(cause) && depth < MAX_CAUSES; depth++) {
      seen.add(cause);
      lines.push(`cause: ${describe(cause)}`);
      const frames = framesOf(cause);
      if (frames !== "") lines.push(frames);
      lines.push(...bodyOf(cause, bodies));
      cause = causeOf(cause);
    }
  }
  return `${lines.join("\n")}\n`;
}

function headline(error: unknown): string {
  if (isOvertoneError(error)) {
    const hint = error.hint ? ` (${error.hint})` : "";
    return `overtone: ${error.message}${hint}`;
  }
  return `overtone: unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/** What a server answered (a `BackendError`'s body): the one-line message names it, a bug report needs it. */
function bodyOf(error: unknown, printed: Set<string>): string[] {
  const body = error instanceof BackendError ? error.body : undefined;
  // Wrapping errors carry the same body along: print it once.
  if (body === undefined || body.trim() === "" || printed.has(body)) return [];
  printed.add(body);
  return [`body: ${body}`];
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

/** `Name [code]: message (hint)`; `code` is Overtone's or a system error's (`ENOENT`). */
function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return typeof cause === "string" ? cause : inspect(cause, { depth: 2 });
  const code = (cause as { code?: unknown }).code;
  const tag = typeof code === "string" || typeof code === "number" ? ` [${code}]` : "";
  const hint = isOvertoneError(cause) && cause.hint ? ` (${cause.hint})` : "";
  return `${cause.name}${tag}: ${cause.message}${hint}`;
}

/** The `at …` lines of an error's stack (its first lines repeat the message, already printed). */
function framesOf(cause: unknown): string {
  if (!(cause instanceof Error) || cause.stack === undefined) return "";
  return cause.stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .join("\n");
}
