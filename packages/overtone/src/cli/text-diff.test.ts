/** `proofread --diff`'s diff: unified-style line hunks, each changed block with its `[-old-]{+new+}` word line. */
import { describe, expect, it } from "vitest";
import { diffSequences, textDiff, wordDiff } from "./text-diff.js";

describe("textDiff", () => {
  it("nothing changed: no output", () => {
    expect(textDiff("Same.\n", "Same.\n")).toBe("");
  });

  it("a changed line: its hunk, - and + lines, and the words that changed", () => {
    const original = "# Notes\n\nTeh cat sat on teh mat.\nIt was happy.\n";
    const corrected = "# Notes\n\nThe cat sat on the mat.\nIt was happy.\n";
    expect(textDiff(original, corrected)).toBe(
      [
        "--- original",
        "+++ corrected",
        "@@ -3,1 +3,1 @@",
        "-Teh cat sat on teh mat.",
        "+The cat sat on the mat.",
        "~[-Teh-]{+The+} cat sat on [-teh-]{+the+} mat.",
        "",
      ].join("\n"),
    );
  });

  it("added and removed lines, with line numbers on both sides", () => {
    const diff = textDiff("a\nb\nc\n", "a\nc\nd\n");
    expect(diff).toBe("--- original\n+++ corrected\n@@ -2,1 +2,0 @@\n-b\n@@ -4,0 +3,1 @@\n+d\n");
  });

  it("marks spacing and punctuation changes too", () => {
    expect(wordDiff("Hello ,world", "Hello, world")).toBe("[-Hello-]{+Hello,+} [-,world-]{+world+}");
    expect(wordDiff("one  two", "one two")).toBe("one[-  -]{+ +}two");
  });

  it("the edit script rebuilds both sides", () => {
    const a = "the quick brown fox jumps".split(" ");
    const b = "a quick red fox jumped over".split(" ");
    const ops = diffSequences(a, b);
    expect(ops.filter((o) => o.kind !== "add").map((o) => o.text)).toEqual(a);
    expect(ops.filter((o) => o.kind !== "del").map((o) => o.text)).toEqual(b);
    expect(ops.filter((o) => o.kind === "same").map((o) => o.text)).toEqual(["quick", "fox"]);
  });
});
