/**
 * What changed between a committed report and the one the sources give now, said per name ("changed
 * renderMessage: function", then the differing lines) so the developer sees which part of the API moved.
 */
import { isUnexportedKey, parseReport } from "./report-format.js";

/** The lines of `before` and `after` as a minimal edit script (longest common subsequence), `-`/`+`/` ` marked. */
function lineDiff(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (i < a.length && (j === b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  return out;
}

/** Only the changed lines of a diff, with one line of context around each run (long classes stay readable). */
function changedLines(diff: string[]): string[] {
  const keep = diff.map((_line, k) =>
    [k - 1, k, k + 1].some((n) => diff[n] !== undefined && !diff[n]?.startsWith("  ")),
  );
  return diff.filter((_, k) => keep[k]);
}

/** The differences between the committed report and the fresh one, one message line each; none when equal. */
export function describeChanges(committed: string, fresh: string): string[] {
  if (committed === fresh) return [];
  const before = new Map(parseReport(committed).map((b) => [b.key, b]));
  const after = new Map(parseReport(fresh).map((b) => [b.key, b]));
  const lines: string[] = [];
  const where = (key: string) => (isUnexportedKey(key) ? " (an unexported type the API uses)" : "");
  for (const [key, block] of after) {
    const old = before.get(key);
    if (old === undefined) lines.push(`added ${block.label}${where(key)}`);
    else if (old.text !== block.text || old.label !== block.label) {
      lines.push(`changed ${block.label}${where(key)}`);
      const diff = lineDiff(`// ${old.label}\n${old.text}`, `// ${block.label}\n${block.text}`);
      lines.push(...changedLines(diff).map((l) => `    ${l}`));
    }
  }
  for (const [key, block] of before) {
    if (!after.has(key)) lines.push(`removed ${block.label}${where(key)}`);
  }
  // Same blocks but different text around them (the header, or a hand edit).
  if (lines.length === 0) lines.push(...changedLines(lineDiff(committed, fresh)).map((l) => `    ${l}`));
  return lines;
}
