/**
 * What the CLI says when a request ends other than by a plain stop, in the CLI's words: the library's notice
 * speaks of its own options (`maxTokens`), a person at the terminal typed `--max-tokens`. Shared by `run` and
 * `chat`, so both say the same thing the same way. Pure: the callers decide where the lines go.
 */
import type { FinishPart, Part } from "@overtone/harmony";

export interface FinishContext {
  /** The `--max-tokens` the request ran with, if one was given. */
  maxTokens?: number;
  /** `chat`: a turn that did not finish is not kept in the history, and the note says so. */
  session?: boolean;
}

/** What a request showed before it finished, for explaining a cut: is there any answer to read at all? */
export class StreamWitness {
  sawReasoning = false;
  sawAnswer = false;

  see(part: Part): void {
    if (part.type === "analysis-delta") this.sawReasoning = true;
    else if (
      part.type === "final-delta" ||
      part.type === "commentary-delta" ||
      part.type === "tool-call-start"
    )
      this.sawAnswer = true;
  }

  reset(): void {
    this.sawReasoning = false;
    this.sawAnswer = false;
  }
}

/** The note lines for a finish part (none for a plain stop or a tool call with nothing to explain). */
export function finishNotes(part: FinishPart, seen: StreamWitness, context: FinishContext = {}): string[] {
  const notKept = context.session ? "; this turn is not kept" : "";
  switch (part.reason) {
    case "length":
      // The library's notice says the same in its own words (maxTokens), so this line replaces it.
      return [lengthNote(seen, context.maxTokens)];
    case "error":
      return [`the backend reported a failed generation${notKept}`, ...notice(part)];
    case "aborted":
      return [`interrupted${notKept}`];
    default:
      return notice(part);
  }
}

function lengthNote(seen: StreamWitness, maxTokens: number | undefined): string {
  const limit =
    maxTokens !== undefined
      ? `the token limit (--max-tokens ${maxTokens})`
      : "the token limit (the context window's, or the server's own)";
  const raise = maxTokens !== undefined ? "raise --max-tokens" : "set a larger --max-tokens";
  if (seen.sawAnswer) return `stopped at ${limit}: the answer is cut short; ${raise}`;
  if (seen.sawReasoning) {
    return `stopped at ${limit} while the model was still reasoning, before any answer; ${raise} or lower --effort`;
  }
  return `stopped at ${limit} before any answer; ${raise}`;
}

/** The backend's own notice, its option names put in the CLI's words. */
function notice(part: FinishPart): string[] {
  if (part.notice === undefined) return [];
  return [`note: ${part.notice.replace(/\bmaxTokens\b/g, "--max-tokens")}`];
}
