/**
 * Whether a data agent's final answer holds the expected value (issue 15, Must show (a): "the final contains the
 * right value"). Judged on the text a user reads, not on the SQL's result, so an answer that ran the right query
 * but misread it is wrong.
 *
 * Numbers: some number written in the answer (digits; thousands separators and a currency sign allowed) equals
 * the expected value to the precision the answer shows (half a unit of its last digit) and within 0.5 % — so
 * 12.3456 is met by "12.35", "12.346" or "about 12.3", 1234.57 by "1,235", but 3.4 not by "3" and 20 not by "21".
 * Names (group, top-n): the first distinct category values the answer mentions (whole words, any case) are the
 * expected ones — the winner first for group, the N winners in any order for top-n — so naming a runner-up after
 * the winner is fine, but leading with a wrong one is not.
 */

export type Expected =
  | { kind: "number"; value: number; text?: string }
  /** `among`: every value the category takes, so the answer's mentions can be told apart from other words. */
  | { kind: "names"; names: readonly string[]; among: readonly string[]; text?: string };

export function expectedText(expected: Expected): string {
  if (expected.kind === "names") return expected.names.join(", ");
  return String(Math.round(expected.value * 10_000) / 10_000);
}

/** The numbers written in `text`: "1,234.5", "-3", "$12.50"; a date's or a name's digits are not a number. */
export function numbersIn(text: string): { value: number; decimals: number }[] {
  const out: { value: number; decimals: number }[] = [];
  // Not preceded by a letter, digit, '.', '-' or '_'; a minus only where it cannot be a hyphen (2024-01-02).
  const pattern = /(?<![\w.-])(-|−)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w-]|\.\d)/g;
  for (const m of text.matchAll(pattern)) {
    const digits = `${m[2]?.replaceAll(",", "") ?? ""}${m[3] ?? ""}`;
    const value = Number(digits) * (m[1] === undefined ? 1 : -1);
    if (Number.isFinite(value)) out.push({ value, decimals: (m[3]?.length ?? 1) - 1 });
  }
  return out;
}

export function numberMatches(expected: number, written: { value: number; decimals: number }): boolean {
  const diff = Math.abs(written.value - expected);
  const half = 0.5 * 10 ** -written.decimals + 1e-9;
  return diff <= half && diff <= Math.max(0.005 * Math.abs(expected), 0.005 + 1e-9);
}

/** The category values `text` mentions, in order of first mention (whole words, case-insensitive). */
export function namesIn(text: string, among: readonly string[]): string[] {
  const lower = text.toLowerCase();
  const found: { name: string; at: number }[] = [];
  for (const name of among) {
    const escaped = name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const at = lower.search(new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, "u"));
    if (at >= 0) found.push({ name, at });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.name);
}

export function matches(expected: Expected, answer: string): boolean {
  if (expected.kind === "number") return numbersIn(answer).some((n) => numberMatches(expected.value, n));
  const first = namesIn(answer, expected.among).slice(0, expected.names.length);
  return first.length === expected.names.length && expected.names.every((n) => first.includes(n));
}
