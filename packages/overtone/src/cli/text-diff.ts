/**
 * `overtone proofread --diff`: what the proofreader changed, as a unified-style diff of lines (`--- original`,
 * `+++ corrected`, `@@ -a,n +b,m @@` hunks without context lines) where each changed block is followed by a
 * `~` line that marks the changed words the way `git diff --word-diff=plain` does: `[-old-]{+new+}`. Proofreading
 * changes a word here and there, so the word line is the one to read; the - and + lines keep it greppable and
 * close to what `diff -u` users expect. No npm diff package is installed and this needs little: a longest-common-
 * subsequence table over lines, then over the words of each changed block (pieces too big for the table are
 * shown as replaced whole).
 */

/** The most table cells one comparison may take (40 M: 160 MB as Uint32): beyond it, replaced whole. */
const MAX_CELLS = 40_000_000;

type Op = { kind: "same" | "del" | "add"; text: string };

/** An edit script from `a` to `b` by longest common subsequence. */
export function diffSequences(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text) => ({ kind: "del" as const, text })),
      ...b.map((text) => ({ kind: "add" as const, text })),
    ];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: "same", text: a[i++] as string });
      j++;
    } else if (
      j < b.length &&
      (i === a.length || (lcs[i * width + j + 1] ?? 0) >= (lcs[(i + 1) * width + j] ?? 0))
    ) {
      ops.push({ kind: "add", text: b[j++] as string });
    } else ops.push({ kind: "del", text: a[i++] as string });
  }
  return ops;
}

/** Words and the whitespace between them, as separate tokens (so spacing changes show too). */
function words(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** `[-old-]{+new+}` marking of the words that differ between two blocks of text. */
export function wordDiff(before: string, after: string): string {
  let out = "";
  let del = "";
  let add = "";
  const flush = () => {
    if (del !== "") out += `[-${del}-]`;
    if (add !== "") out += `{+${add}+}`;
    del = "";
    add = "";
  };
  for (const op of diffSequences(words(before), words(after))) {
    if (op.kind === "same") {
      flush();
      out += op.text;
    } else if (op.kind === "del") del += op.text;
    else add += op.text;
  }
  flush();
  return out;
}

/** The diff of `original` and `corrected` (see the header); empty when they are the same. */
export function textDiff(original: string, corrected: string): string {
  if (original === corrected) return "";
  const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
  const ops = diffSequences(lines(original), lines(corrected));
  const out = ["--- original", "+++ corrected"];
  let a = 1;
  let b = 1;
  for (let k = 0; k < ops.length; ) {
    if (ops[k]?.kind === "same") {
      a++;
      b++;
      k++;
      continue;
    }
    const del: string[] = [];
    const add: string[] = [];
    for (; k < ops.length && ops[k]?.kind !== "same"; k++) {
      const op = ops[k] as Op;
      (op.kind === "del" ? del : add).push(op.text);
    }
    out.push(`@@ -${a},${del.length} +${b},${add.length} @@`);
    out.push(...del.map((l) => `-${l}`), ...add.map((l) => `+${l}`));
    if (del.length > 0 && add.length > 0) {
      for (const line of wordDiff(del.join("\n"), add.join("\n")).split("\n")) out.push(`~${line}`);
    }
    a += del.length;
    b += add.length;
  }
  return `${out.join("\n")}\n`;
}
