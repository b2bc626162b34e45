/**
 * Human ratings (report 004's rating pass) live beside the calls in an append-only ratings.jsonl, one line per
 * rating: {call_id, rating 1–5 or null, note, at}. Append-only, so a rating pass never rewrites the calls a run
 * wrote (and an interrupted pass loses nothing); the last line for a call wins, so a changed mind or an undo is
 * one more line, and `rating: null` takes a rating back.
 */
import { InputError } from "@overtone/errors";

export interface RatingLine {
  call_id: string;
  rating: number | null;
  note: string | null;
  /** When the rating was given, ISO 8601. */
  at: string;
}

/** A ratings.jsonl line that is not a rating: the file, the 1-based line and the field. */
export class RatingLineError extends InputError {
  readonly file: string;
  readonly line: number;
  readonly field: string;

  constructor(message: string, details: { file: string; line: number; field: string; cause?: unknown }) {
    super(`${details.file} line ${details.line}: ${message}`, {
      where: `${details.file}:${details.line}`,
      hint: 'each line is {"call_id": "…", "rating": 1-5 or null, "note": "…" or null, "at": "ISO time"}; fix or remove the line',
      cause: details.cause,
    });
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
  }
}

/** The effective rating per call_id: the last line for each call wins. */
export function parseRatings(text: string, file: string): Map<string, RatingLine> {
  const ratings = new Map<string, RatingLine>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    const rating = parseRatingLine(line, file, i + 1);
    ratings.set(rating.call_id, rating);
  }
  return ratings;
}

/** One ratings line as `bench rate` appends it (with its newline). */
export function ratingLineText(rating: RatingLine): string {
  return `${JSON.stringify(rating)}\n`;
}

function parseRatingLine(text: string, file: string, line: number): RatingLine {
  const fail = (field: string, message: string, cause?: unknown): never => {
    throw new RatingLineError(message, { file, line, field, cause });
  };
  let value: Record<string, unknown> = {};
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail("", `not valid JSON (${(error as Error).message})`, error);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("", "not a JSON object");
  const { call_id, rating, note, at } = value;
  if (typeof call_id !== "string" || call_id === "")
    fail("call_id", 'field "call_id" must be a non-empty string');
  if (rating !== null && !(Number.isInteger(rating) && (rating as number) >= 1 && (rating as number) <= 5)) {
    fail(
      "rating",
      `field "rating" must be 1, 2, 3, 4, 5 or null, found ${JSON.stringify(rating) ?? "nothing"}`,
    );
  }
  if (note !== undefined && note !== null && typeof note !== "string")
    fail("note", 'field "note" must be a string or null');
  if (typeof at !== "string" || Number.isNaN(Date.parse(at)))
    fail("at", 'field "at" must be an ISO 8601 time');
  return {
    call_id: call_id as string,
    rating: rating as number | null,
    note: (note as string | undefined) ?? null,
    at: at as string,
  };
}
