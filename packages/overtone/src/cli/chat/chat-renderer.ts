/**
 * Stream parts → terminal text for `overtone chat`. Reasoning (analysis, and commentary preambles) goes on its
 * own lines, dimmed — or, without colours, behind a `│ ` gutter so it still stands apart from the answer; the
 * answer is plain text; a tool call is one line `→ name(arguments)` (`→ ?(arguments)` for one that named no
 * tool, see tool-call-check.ts); a finish other than a plain stop and the
 * backend's notice get one dim line each, in the CLI's words (finish-notes.ts) — or, with `notesApart`, are kept
 * for the caller to write elsewhere (stderr, when stdout is a pipe and the notes must not mix with the answer).
 * Pure: it returns text and keeps only where the cursor is and what the request showed so far.
 * `overtone run` uses it too, for its answer and, with `--reasoning`, the reasoning.
 */
import { OvertoneError } from "@overtone/errors";
import type { Part } from "@overtone/harmony";
import { finishNotes, StreamWitness } from "./finish-notes.js";

export interface ChatRendererOptions {
  /** ANSI styling (dim); off for NO_COLOR or when stdout is not a terminal. */
  color: boolean;
  /** Show the reasoning stream (default true). */
  reasoning?: boolean;
  /** One dim "thinking…" line while hidden reasoning streams (default true; `run` stays silent). */
  announceHidden?: boolean;
  /** The `--max-tokens` in force, named in the note when a request stops at it. */
  maxTokens?: number;
  /** A turn in a conversation (default true): a note then says when a turn is not kept. */
  session?: boolean;
  /** Keep finish notes for takeNotes() instead of rendering them inline (default false). */
  notesApart?: boolean;
  /**
   * Show a message ended by `<|call|>` that names no tool as a malformed call `→ ?(arguments)` (default true);
   * `run` reports calls on stderr itself.
   */
  malformedCalls?: boolean;
}

/** NO_COLOR (https://no-color.org) or a stdout that is not a terminal switches the dimming off. */
export function useColor(): boolean {
  const noColor = process.env.NO_COLOR;
  return process.stdout.isTTY === true && (noColor === undefined || noColor === "");
}

const DIM = "\x1b[2m";
const UNDIM = "\x1b[22m";
const GUTTER = "│ ";

type Block = "reasoning" | "answer" | "tool-call" | "hidden";

export class ChatRenderer {
  readonly color: boolean;
  reasoning: boolean;
  readonly #options: ChatRendererOptions;
  readonly #seen = new StreamWitness();
  #notes: string[] = [];
  #atLineStart = true;
  #block: Block | undefined;
  #hiddenNoted = false;

  constructor(options: ChatRendererOptions) {
    this.#options = options;
    this.color = options.color;
    this.reasoning = options.reasoning ?? true;
  }

  /** The notes of the finishes rendered so far (with `notesApart`), as plain lines; taking them clears them. */
  takeNotes(): string[] {
    const notes = this.#notes;
    this.#notes = [];
    return notes;
  }

  /** The text to write for one part. */
  render(part: Part): string {
    this.#seen.see(part);
    switch (part.type) {
      case "analysis-start":
      case "commentary-start":
        return this.#open(this.reasoning ? "reasoning" : "hidden");
      case "analysis-delta":
      case "commentary-delta":
        return this.#block === "reasoning" ? this.#text(part.delta) : "";
      case "analysis-end":
      case "commentary-end":
      case "final-end":
        // Ended by <|call|> yet still a message: a call that named no tool and was not repaired (the finish's
        // note says why). It is shown as the call it was meant to be, not as reasoning or answer text.
        if (part.terminator === "call" && this.#options.malformedCalls !== false) {
          return `${this.#close()}${this.#open("tool-call")}${this.#text(`→ ?(${part.text})`)}${this.#close()}`;
        }
        return this.#close();
      case "final-start":
        return this.#open("answer");
      case "final-delta":
        return this.#text(part.delta);
      case "tool-call-start":
        return `${this.#open("tool-call")}${this.#text(`→ ${toolLabel(part.recipient)}(`)}`;
      case "tool-call-delta":
        return this.#text(part.delta);
      case "tool-call-end":
        return `${this.#text(")")}${this.#close()}`;
      case "finish": {
        const { maxTokens, session = true } = this.#options;
        const lines = finishNotes(part, this.#seen, {
          ...(maxTokens !== undefined ? { maxTokens } : {}),
          session,
        });
        this.#seen.reset();
        this.#hiddenNoted = false;
        const end = this.#endTurn();
        if (this.#options.notesApart) {
          this.#notes.push(...lines.map(clean));
          return end;
        }
        return end + lines.map((line) => this.info(line)).join("");
      }
      case "error":
        this.#seen.reset();
        this.#hiddenNoted = false;
        // One line, even for a server's multi-line error body: the prompt follows right below.
        return `${this.#endTurn()}error: ${clean(describeError(part.error))
          .trim()
          .replace(/\s*\n\s*/g, " ")}\n`;
    }
  }

  /** Ends the open line, if any (before an error is reported elsewhere, or when a stream stops early). */
  endLine(): string {
    return this.#endTurn();
  }

  /** One dim line of information (command output, explanations), on a line of its own. */
  info(text: string): string {
    const text_ = clean(text);
    return `${this.#lineBreak()}${this.color ? `${DIM}${text_}${UNDIM}` : text_}\n`;
  }

  /** Ends whatever is open, so the next prompt starts on a fresh line. */
  #endTurn(): string {
    const out = this.#close() + this.#lineBreak();
    this.#block = undefined;
    return out;
  }

  #open(block: Block): string {
    let out = this.#close();
    if (block === "hidden") {
      this.#block = "hidden";
      if (this.#hiddenNoted || this.#options.announceHidden === false) return out;
      this.#hiddenNoted = true;
      return out + this.info("thinking…");
    }
    // The answer continues on the same line only when it was already the answer (a second final message).
    if (block !== "answer" || this.#block !== "answer") out += this.#lineBreak();
    this.#block = block;
    return out;
  }

  #close(): string {
    const block = this.#block;
    if (block === "reasoning" || block === "tool-call") {
      this.#block = undefined;
      return this.#lineBreak();
    }
    return "";
  }

  #lineBreak(): string {
    if (this.#atLineStart) return "";
    this.#atLineStart = true;
    return "\n";
  }

  /** Model text, made safe and styled for the open block. */
  #text(raw: string): string {
    const text = clean(raw);
    if (text === "") return "";
    if (this.#block !== "reasoning") {
      this.#atLineStart = text.endsWith("\n");
      return text;
    }
    if (this.color) {
      this.#atLineStart = text.endsWith("\n");
      return `${DIM}${text}${UNDIM}`;
    }
    let out = "";
    for (const char of text) {
      if (this.#atLineStart && char !== "\n") out += GUTTER;
      out += char;
      this.#atLineStart = char === "\n";
    }
    return out;
  }
}

/** `functions.get_weather` → `get_weather`; built-in tools keep their namespace (`browser.search`). */
export function toolLabel(recipient: string): string {
  return recipient.startsWith("functions.") ? recipient.slice("functions.".length) : recipient;
}

function describeError(error: Error): string {
  const hint = error instanceof OvertoneError && error.hint ? ` (${error.hint})` : "";
  return `${error.message}${hint}`;
}

/**
 * Drops control characters other than newline and tab: model text (or a server's error body) must not be able to
 * move the cursor, retitle the terminal or switch off the dimming. A carriage return would overwrite the line.
 */
export function clean(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    if (!control || char === "\n" || char === "\t") out += char;
  }
  return out;
}
