/**
 * The rating pass of `overtone bench rate` as a state machine: which calls it visits, what each key writes to
 * ratings.jsonl, where undo goes back to, and that a second pass over the written lines resumes where the first
 * stopped. The lines go through ratings.ts's own writer and parser, as the CLI writes and `bench report` reads them.
 */
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../packages/overtone/src/bench/call-record.js";
import {
  callOnScreen,
  type PassOptions,
  passStep,
  passSummary,
  type RatingPassState,
  startRatingPass,
} from "../../packages/overtone/src/bench/rating-pass.js";
import { parseRatings, type RatingLine, ratingLineText } from "../../packages/overtone/src/bench/ratings.js";
import { sampleCall } from "./sample-calls.js";

const NOW = "2026-12-07T21:00:00.000Z";

const calls: CallRecord[] = [
  sampleCall({ call_id: "w", warmup: true }),
  sampleCall({ call_id: "a", case_id: "wifi" }),
  sampleCall({ call_id: "b", case_id: "dns", model: "gpt-oss-20b" }),
  sampleCall({ call_id: "c", case_id: "usb", suite: "brainstorm" }),
];

/** A pass driven by keys; `file` is ratings.jsonl's text as the CLI would have appended it. */
function drive(keys: string[], file = "", options: PassOptions = {}) {
  let state: RatingPassState = startRatingPass(calls, parseRatings(file, "ratings.jsonl"), options);
  const written: RatingLine[] = [];
  for (const key of keys) {
    const step = passStep(state, key, NOW);
    written.push(...step.append);
    state = step.state;
  }
  return { state, written, file: file + written.map(ratingLineText).join("") };
}

const on = (state: RatingPassState) => callOnScreen(state)?.call_id;
const effective = (file: string) =>
  Object.fromEntries([...parseRatings(file, "ratings.jsonl")].map(([id, r]) => [id, r.rating]));

describe("the rating pass", () => {
  it("visits the unrated calls without warm-ups, writes a line per rating at once, and ends with a tally", () => {
    const start = drive([]);
    expect(start.state.calls.map((c) => c.call_id)).toEqual(["a", "b", "c"]);
    const one = drive(["4"]);
    expect(one.written).toEqual([{ call_id: "a", rating: 4, note: null, at: NOW }]);
    expect(on(one.state)).toBe("b");
    const all = drive(["4", "s", "2"]);
    expect(all.state.mode).toBe("done");
    expect(passSummary(all.state)).toEqual({ rated: 2, skipped: 1, left: 1 });
    expect(effective(all.file)).toEqual({ a: 4, c: 2 });
  });

  it("a note is typed in a line editor and written with the rating; escape drops it", () => {
    const { written, state } = drive([
      "n",
      "too",
      " ters",
      "x",
      "backspace",
      "e",
      "enter",
      "3",
      "n",
      "no",
      "escape",
    ]);
    expect(written).toEqual([{ call_id: "a", rating: 3, note: "too terse", at: NOW }]);
    expect(state.mode).toBe("rate");
    expect(on(state)).toBe("b");
    // Keys typed in the note are text, not commands: q does not quit, u does not undo.
    const typed = drive(["n", "q", "u", "enter"]);
    expect(typed.state.mode).toBe("rate");
    expect(typed.state.pendingNote).toBe("qu");
    expect(typed.written).toEqual([]);
  });

  it("undo appends rating null for the last rated call and goes back to it; nothing to undo says so", () => {
    const { written, state, file } = drive(["5", "s", "u"]);
    expect(written.at(-1)).toEqual({ call_id: "a", rating: null, note: null, at: NOW });
    expect(on(state)).toBe("a");
    expect(passSummary(state).rated).toBe(0);
    expect(effective(file)).toEqual({ a: null });
    const again = drive(["5", "s", "u", "u"]);
    expect(again.state.message).toMatch(/nothing to undo/);
    expect(again.written).toHaveLength(2);
    // Rated again after the undo: the last line wins.
    expect(effective(drive(["5", "u", "2"]).file)).toEqual({ a: 2 });
  });

  it("q quits with every rating given so far written; the next pass resumes at the first unrated call", () => {
    const first = drive(["4", "q"]);
    expect(first.state.mode).toBe("done");
    expect(passSummary(first.state)).toEqual({ rated: 1, skipped: 0, left: 2 });
    const second = drive(["1"], first.file);
    expect(second.state.calls.map((c) => c.call_id)).toEqual(["b", "c"]);
    expect(effective(second.file)).toEqual({ a: 4, b: 1 });
    // An undone rating counts as unrated again.
    const undone = drive(["5", "u", "q"]);
    expect(drive([], undone.file).state.calls.map((c) => c.call_id)).toEqual(["a", "b", "c"]);
    // Ctrl-C leaves from a half-typed note too, writing nothing for it.
    expect(drive(["n", "half", "interrupt"]).state.mode).toBe("done");
  });

  it("--all shows rated calls with their rating and note; undo there restores the rating before", () => {
    const file = ratingLineText({ call_id: "b", rating: 2, note: "vague", at: NOW });
    const { state } = drive([], file, { all: true });
    expect(state.calls.map((c) => c.call_id)).toEqual(["a", "b", "c"]);
    const rerated = drive(["s", "5", "u"], file, { all: true });
    expect(rerated.written).toEqual([
      { call_id: "b", rating: 5, note: "vague", at: NOW },
      { call_id: "b", rating: 2, note: "vague", at: NOW },
    ]);
    // A note on a rated call is written at once, with its rating.
    const noted = drive(
      ["s", "n", "backspace", "backspace", "backspace", "backspace", "backspace", "ok", "enter"],
      file,
      {
        all: true,
      },
    );
    expect(noted.written).toEqual([{ call_id: "b", rating: 2, note: "ok", at: NOW }]);
    // A record's own human.rating counts as rated.
    const own = [sampleCall({ call_id: "h", human: { rating: 3, note: null } })];
    expect(startRatingPass(own, new Map()).mode).toBe("done");
  });

  it("--suite and --model narrow the pass; an unknown key shows the keys", () => {
    expect(drive([], "", { suite: "brainstorm" }).state.calls.map((c) => c.call_id)).toEqual(["c"]);
    expect(drive([], "", { model: "gpt-oss-20b" }).state.calls.map((c) => c.call_id)).toEqual(["b"]);
    expect(drive(["x"]).state.message).toMatch(/1–5 rate/);
    expect(drive(["r"]).state.showReasoning).toBe(true);
    expect(drive(["r", "r"]).state.showReasoning).toBe(false);
  });
});
