/**
 * The human rating pass of `overtone bench rate` (report 004's "human rating pass") as a pure state machine:
 * given the run's calls, its ratings and one key, the next state and the ratings.jsonl lines to append. The CLI
 * only reads keys, draws the state and appends the lines, so every rule of the pass (what is shown, what a key
 * writes, where undo goes back to) is tested here without a terminal.
 *
 * Each rating is written the moment it is given (ratings.jsonl is append-only, the last line per call wins), so
 * the pass keeps no unsaved work: quitting or a crash loses nothing, and the next pass starts with the calls that
 * are still unrated — it resumes where this one stopped.
 */
import type { CallRecord } from "./call-record.js";
import type { RatingLine } from "./ratings.js";

/**
 * One key: a typed character (or a pasted run of them), or `enter`, `backspace`, `escape`, or `interrupt`
 * (Ctrl-C, Ctrl-D: ends the pass from any mode, an unfinished note dropped).
 */
export type PassKey = string;

export interface PassOptions {
  /** Every call (showing its current rating), not only the unrated ones. */
  all?: boolean;
  suite?: string;
  model?: string;
}

/** A call's rating as it stands: ratings.jsonl's last line for it, else the record's own `human` fields. */
export interface CurrentRating {
  rating: number | null;
  note: string | null;
}

/** What undo needs: which call of the pass was rated, and its rating before (restored by appending it again). */
interface RatedStep {
  index: number;
  before: CurrentRating;
}

export interface RatingPassState {
  /** The calls this pass visits, in file order. */
  readonly calls: readonly CallRecord[];
  readonly current: ReadonlyMap<string, CurrentRating>;
  /** The call on screen; equal to calls.length once the pass has gone through all of them. */
  readonly index: number;
  readonly mode: "rate" | "note" | "done";
  /** The note being typed (mode "note"). */
  readonly draft: string;
  /** A note typed for an unrated call, written with its rating. */
  readonly pendingNote: string | null;
  readonly showReasoning: boolean;
  /** Ratings given in this pass, newest last: the undo stack. */
  readonly rated: readonly RatedStep[];
  /** Indexes of calls skipped and not rated since. */
  readonly skipped: ReadonlySet<number>;
  /** One line of feedback for the last key ("nothing to undo"), or null. */
  readonly message: string | null;
}

export interface PassStep {
  state: RatingPassState;
  /** Lines for ratings.jsonl, in order: append (and flush) them before drawing the next state. */
  append: RatingLine[];
}

export const PASS_KEYS_HELP = "1–5 rate · n note · s skip · u undo · r reasoning · q quit";

/** The pass over `calls` (warm-ups left out), with `ratings` as parsed from ratings.jsonl (last line wins). */
export function startRatingPass(
  calls: readonly CallRecord[],
  ratings: ReadonlyMap<string, RatingLine>,
  options: PassOptions = {},
): RatingPassState {
  const current = new Map<string, CurrentRating>();
  for (const call of calls) {
    const line = ratings.get(call.call_id);
    current.set(call.call_id, line ? { rating: line.rating, note: line.note } : { ...call.human });
  }
  const chosen = calls.filter(
    (call) =>
      !call.warmup &&
      (options.suite === undefined || call.suite === options.suite) &&
      (options.model === undefined || call.model === options.model) &&
      (options.all === true || current.get(call.call_id)?.rating == null),
  );
  return {
    calls: chosen,
    current,
    index: 0,
    mode: chosen.length === 0 ? "done" : "rate",
    draft: "",
    pendingNote: null,
    showReasoning: false,
    rated: [],
    skipped: new Set(),
    message: null,
  };
}

/** The call on screen, or undefined when the pass is done. */
export function callOnScreen(state: RatingPassState): CallRecord | undefined {
  return state.mode === "done" ? undefined : state.calls[state.index];
}

export function currentRating(state: RatingPassState, call: CallRecord): CurrentRating {
  return state.current.get(call.call_id) ?? { rating: null, note: null };
}

/** The next state after `key`, and what to append; `now` (ISO 8601) stamps the lines. */
export function passStep(state: RatingPassState, key: PassKey, now: string): PassStep {
  const call = callOnScreen(state);
  if (call === undefined) return { state, append: [] };
  const base = { ...state, message: null };
  if (key === "interrupt") return { state: { ...base, mode: "done", draft: "" }, append: [] };
  return state.mode === "note" ? noteKey(base, call, key, now) : rateKey(base, call, key, now);
}

function rateKey(state: RatingPassState, call: CallRecord, key: PassKey, now: string): PassStep {
  const before = currentRating(state, call);
  if (/^[1-5]$/.test(key)) {
    const line = rate(call, Number(key), state.pendingNote ?? before.note, now);
    const skipped = new Set(state.skipped);
    skipped.delete(state.index);
    const next = {
      ...withRating(state, line),
      rated: [...state.rated, { index: state.index, before }],
      skipped,
    };
    return { state: advance(next), append: [line] };
  }
  switch (key) {
    case "n":
      return { state: { ...state, mode: "note", draft: state.pendingNote ?? before.note ?? "" }, append: [] };
    case "s":
      return { state: advance({ ...state, skipped: new Set(state.skipped).add(state.index) }), append: [] };
    case "u":
      return undo(state, now);
    case "r":
      return { state: { ...state, showReasoning: !state.showReasoning }, append: [] };
    case "q":
      return { state: { ...state, mode: "done" }, append: [] };
    default:
      return { state: { ...state, message: `keys: ${PASS_KEYS_HELP}` }, append: [] };
  }
}

/** The note's line editor: type, backspace, enter keeps the note, escape drops it. */
function noteKey(state: RatingPassState, call: CallRecord, key: PassKey, now: string): PassStep {
  if (key === "escape") return { state: { ...state, mode: "rate", draft: "" }, append: [] };
  if (key === "backspace") {
    return { state: { ...state, draft: Array.from(state.draft).slice(0, -1).join("") }, append: [] };
  }
  if (key === "enter") {
    const note = state.draft.trim() === "" ? null : state.draft.trim();
    const closed = { ...state, mode: "rate" as const, draft: "" };
    const { rating } = currentRating(state, call);
    // An unrated call keeps the note until it is rated: a rating line without a rating would be an undo.
    if (rating === null) return { state: { ...closed, pendingNote: note }, append: [] };
    const line = { call_id: call.call_id, rating, note, at: now };
    return { state: { ...withRating(closed, line), message: "note saved" }, append: [line] };
  }
  // Control characters (arrows, Ctrl-keys) are not text; a paste arrives as one key of several characters.
  const text = key.replace(/[\p{Cc}]/gu, "");
  return { state: { ...state, draft: state.draft + text }, append: [] };
}

function undo(state: RatingPassState, now: string): PassStep {
  const last = state.rated.at(-1);
  if (last === undefined) return { state: { ...state, message: "nothing to undo in this pass" }, append: [] };
  const call = state.calls[last.index] as CallRecord;
  // Before this pass the call was unrated (rating null) unless --all showed it rated: restore exactly that.
  const line = { call_id: call.call_id, rating: last.before.rating, note: last.before.note, at: now };
  const back = {
    ...withRating(state, line),
    index: last.index,
    rated: state.rated.slice(0, -1),
    pendingNote: null,
    showReasoning: false,
    message: `rating of call ${last.index + 1} taken back`,
  };
  return { state: back, append: [line] };
}

function rate(call: CallRecord, rating: number, note: string | null, at: string): RatingLine {
  return { call_id: call.call_id, rating, note, at };
}

function withRating(state: RatingPassState, line: RatingLine): RatingPassState {
  const current = new Map(state.current);
  current.set(line.call_id, { rating: line.rating, note: line.note });
  return { ...state, current };
}

function advance(state: RatingPassState): RatingPassState {
  const index = state.index + 1;
  const done = index >= state.calls.length;
  return { ...state, index, mode: done ? "done" : "rate", pendingNote: null, showReasoning: false };
}

/** The tally the pass ends with: rated in this pass, skipped (and not rated since), still unrated in the pass. */
export function passSummary(state: RatingPassState): { rated: number; skipped: number; left: number } {
  const left = state.calls.filter((call) => currentRating(state, call).rating === null).length;
  return { rated: state.rated.length, skipped: state.skipped.size, left };
}
