/**
 * What `overtone bench rate` draws for one call: its labels, the input (short), the answer wrapped to the
 * terminal's width (a long one cut, saying how much was left out), finish reason and errors, the reasoning only
 * when asked, then the keys. The whole screen is redrawn for every key: a pass is one call at a time, and a
 * redraw cannot leave the previous call's lines behind.
 */
import type { CallRecord } from "../bench/call-record.js";
import {
  callOnScreen,
  currentRating,
  PASS_KEYS_HELP,
  passSummary,
  type RatingPassState,
} from "../bench/rating-pass.js";

export interface ScreenSize {
  columns: number;
  rows: number;
}

/** Lines the labels, input, status and keys take around the answer (the answer gets the rest). */
const FRAME_LINES = 12;
const MIN_TEXT_LINES = 4;

/** The screen for `state`, as lines no wider than `size.columns`. */
export function ratingScreen(state: RatingPassState, size: ScreenSize): string[] {
  const call = callOnScreen(state);
  if (call === undefined) return [];
  const width = Math.max(20, size.columns - 1);
  const { rated, skipped } = passSummary(state);
  const lines: string[] = [];
  const add = (text: string) => lines.push(...wrap(text, width));
  add(`call ${state.index + 1} of ${state.calls.length} · rated ${rated} · skipped ${skipped}`);
  add(
    `model ${call.model} · suite ${call.suite} · case ${call.case_id} · repetition ${call.repetition} · device ${call.device}`,
  );
  lines.push(...wrap(`input: ${inputSummary(call)}`, width).slice(0, 2));
  const { rating, note } = currentRating(state, call);
  const noteShown = state.pendingNote ?? note;
  add(`rating: ${rating ?? "none"}${noteShown === null ? "" : ` · note: ${noteShown}`}`);
  add(`finish: ${call.finish_reason ?? "unknown"} · errors: ${errorsText(call)}`);
  lines.push("");

  const room = Math.max(MIN_TEXT_LINES, size.rows - FRAME_LINES);
  const reasoning = call.output.analysis;
  const shown = state.showReasoning && reasoning ? wrap(clean(reasoning), width) : [];
  // Shown reasoning takes what it needs, up to half the room; the answer keeps the rest.
  const reasoningRoom = Math.min(shown.length, Math.floor(room / 2));
  lines.push("── answer ──");
  lines.push(...cut(wrap(answerText(call), width), room - reasoningRoom, "answer"));
  if (reasoning === null || reasoning === "") {
    lines.push("── no reasoning ──");
  } else if (!state.showReasoning) {
    lines.push(`── reasoning: ${Array.from(reasoning).length} characters, hidden (r shows it) ──`);
  } else {
    lines.push("── reasoning (r hides it) ──");
    lines.push(...cut(shown, reasoningRoom, "reasoning"));
  }
  lines.push("");
  if (state.message !== null) add(state.message);
  if (state.mode === "note") lines.push(`note (enter keeps it, esc drops it)› ${state.draft}`);
  else add(`keys: ${PASS_KEYS_HELP}`);
  return lines;
}

/** The case's input in one line: the issue text, else the last user message, else the JSON. */
function inputSummary(call: CallRecord): string {
  const input = call.input;
  if (input === null) return "(none recorded)";
  if (typeof input.issue_text === "string") return clean(input.issue_text);
  if (Array.isArray(input.messages)) {
    const user = input.messages.filter((m) => (m as { role?: unknown })?.role === "user").at(-1);
    const content = (user as { content?: unknown } | undefined)?.content;
    if (typeof content === "string") return clean(content);
  }
  return clean(JSON.stringify(input));
}

function answerText(call: CallRecord): string {
  const final = call.output.final;
  if (final !== null && final.trim() !== "") return clean(final);
  const cause = call.empty_answer_cause === null ? "" : `: ${call.empty_answer_cause}`;
  return `(no answer${cause})`;
}

function errorsText(call: CallRecord): string {
  const errors = call.errors.map((e) => `${e.kind}: ${clean(e.message)}`);
  if (call.empty_answer_cause !== null) errors.push(`empty answer: ${clean(call.empty_answer_cause)}`);
  return errors.length === 0 ? "none" : errors.join("; ");
}

/**
 * Model output is shown, never obeyed: escape sequences and other control characters in it would move the
 * cursor or recolour the terminal, so they go (tabs become spaces, line breaks stay).
 */
function clean(text: string): string {
  return text
    .replaceAll("\t", "    ")
    .replace(/\r\n?/g, "\n")
    .replace(/[^\P{Cc}\n]/gu, "");
}

/** Word-wraps each line of `text` to `width` columns; a word longer than a line is broken. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      let rest = word;
      while (Array.from(rest).length > width) {
        if (line !== "") out.push(line);
        const chars = Array.from(rest);
        out.push(chars.slice(0, width).join(""));
        rest = chars.slice(width).join("");
        line = "";
      }
      const joined = line === "" ? rest : `${line} ${rest}`;
      if (Array.from(joined).length > width) {
        out.push(line);
        line = rest;
      } else {
        line = joined;
      }
    }
    out.push(line);
  }
  return out;
}

/** At most `room` lines; a cut says how many lines were left out. */
function cut(lines: string[], room: number, what: string): string[] {
  if (lines.length <= room) return lines;
  const kept = Math.max(1, room - 1);
  const left = lines.length - kept;
  return [
    ...lines.slice(0, kept),
    `… ${left} more lines of the ${what} cut (the full text is in calls.jsonl)`,
  ];
}
