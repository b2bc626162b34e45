/**
 * Reading lists and rankings out of model text, tolerantly (report 004: "use the numbered-list tolerant parser
 * and capture raw text"). Models number their items `1.`, `1)`, `(1)`, `#1`, `Idea 1:` or `**1.**`, bullet them
 * with `-`, `*`, `•`, wrap a long item onto indented lines, or answer with a JSON array; all of these read the
 * same. Text without any list falls back to its lines, then its sentences, so an answer is never "no items"
 * while it has words.
 */

export type ListStyle = "json" | "numbered" | "bulleted" | "lines" | "sentences";

export interface ParsedList {
  items: string[];
  style: ListStyle;
}

const NUMBERED =
  /^\s*(?:\*\*)?(?:(?:idea|step|option)\s*)?[#(]?(\d{1,2})(?:[.):\]]|\s*[-–:])(?:\*\*)?\s+(.*)$/i;
const NUMBERED_MARKER = /^\s*(?:\*\*)?[#(]?\d{1,2}[.):\]](?:\*\*)?\s+/;
const BULLETED = /^\s*[-*•+]\s+(.*)$/;

/** The items of the list in `text`, in order, markup stripped. */
export function parseList(text: string): ParsedList {
  const json = jsonItems(text);
  if (json !== undefined) return { items: json, style: "json" };
  for (const [style, marker] of [
    ["numbered", NUMBERED],
    ["bulleted", BULLETED],
  ] as const) {
    const items = markedItems(text, marker);
    if (items.length > 0) return { items, style };
  }
  const lines = text
    .split(/\r?\n/)
    .map(clean)
    .filter((line) => line !== "");
  if (lines.length > 1) return { items: lines, style: "lines" };
  const sentences = (lines[0] ?? "")
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])/)
    .map(clean)
    .filter((sentence) => sentence !== "");
  return { items: sentences, style: "sentences" };
}

/** Lines that start an item (by `marker`) open it; following unmarked, non-blank lines continue it. */
function markedItems(text: string, marker: RegExp): string[] {
  const items: string[] = [];
  let open = false;
  for (const line of text.split(/\r?\n/)) {
    const match = marker.exec(line);
    if (match !== null) {
      items.push(match[match.length - 1] ?? "");
      open = true;
    } else if (line.trim() === "") open = false;
    else if (open && /^\s+\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
    else open = false;
  }
  return items.map(clean).filter((item) => item !== "");
}

function jsonItems(text: string): string[] | undefined {
  const start = text.indexOf("[");
  const end = text.lastIndexOf("]");
  if (start < 0 || end <= start) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const items = value.map((item) =>
      typeof item === "string"
        ? item
        : typeof item === "object" && item !== null
          ? firstString(item)
          : undefined,
    );
    return items.every((item) => item !== undefined)
      ? items.map(clean).filter((item) => item !== "")
      : undefined;
  } catch {
    return undefined;
  }
}

function firstString(object: object): string | undefined {
  return Object.values(object).find((value): value is string => typeof value === "string");
}

/** An item without its emphasis markers and surrounding whitespace. */
function clean(item: string): string {
  return item
    .replace(/\*\*|__/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

export interface ParsedRanking {
  /** 0-based indexes of the ideas, best first; every index exactly once. */
  order: number[];
  /** True when the model's text named every idea's place itself (nothing filled in). */
  parsedOk: boolean;
  /** The text that explains the ranking (the answer without its ranking line). */
  reasons: string;
}

/**
 * The ranking of `count` ideas in a judge's answer: the numbers on its `Ranking:` line (or the first line that
 * names at least two ideas), else the order in which a numbered list first names each idea. Ideas it never
 * placed keep their original order after the ones it did, and `parsedOk` says so.
 */
export function parseRanking(text: string, count: number): ParsedRanking {
  const lines = text.split(/\r?\n/);
  const numbersOf = (line: string) =>
    [...line.matchAll(/\d+/g)].map((m) => Number(m[0])).filter((n) => n >= 1 && n <= count);
  let at = lines.findIndex((line) => /\brank(?:ing|ed)?\b[^:]*:/i.test(line) && numbersOf(line).length > 0);
  const mentions = at < 0 ? listMentions(text, count) : [];
  // A line of idea numbers ("2 > 3 > 1"), its own list number left out: "1. Idea 2 is best" names only 2.
  if (at < 0 && mentions.length < Math.min(2, count)) {
    at = lines.findIndex(
      (line) => new Set(numbersOf(line.replace(NUMBERED_MARKER, ""))).size >= Math.min(2, count),
    );
  }
  const named = at >= 0 ? numbersOf((lines[at] as string).replace(NUMBERED_MARKER, "")) : mentions;
  const order = [...new Set(named.map((n) => n - 1))];
  const parsedOk = order.length === count;
  for (let index = 0; index < count; index++) if (!order.includes(index)) order.push(index);
  const rest =
    at >= 0
      ? lines
          .filter((_, i) => i !== at)
          .join("\n")
          .trim()
      : text.trim();
  return { order, parsedOk, reasons: rest === "" ? text.trim() : rest };
}

/** Idea numbers as a numbered list names them: `1. Idea 3 — …` places idea 3 first. */
function listMentions(text: string, count: number): number[] {
  return markedItems(text, NUMBERED)
    .map((item) => /(?:idea|#)\s*(\d+)/i.exec(item)?.[1])
    .map(Number)
    .filter((n) => n >= 1 && n <= count);
}
