/**
 * `overtone proofread` on the toy model through the built CLI (issue 15, Must show: the output never contains
 * reasoning). The toy (greedy, one thread) does not proofread, it answers: the protocol is what is checked —
 * stdout is the final channel only, reasoning goes to stderr with --show-reasoning and nowhere without it,
 * chunks in order, the input errors. --diff: proofread-diff-cli.test.ts; recorded real gpt-oss traffic:
 * proofread-replay-cli.test.ts (files apart so they run in parallel).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INPUT, MARKERS, TOY, TOY_ENV, workDir } from "./proofread-toy.js";
import { runCli } from "./run-cli.js";

const work = workDir();
const env = TOY_ENV;

describe("proofread on the toy model", () => {
  it("stdout is the final channel only, in chunks in order; reasoning shows on stderr with --show-reasoning only", () => {
    // Two paragraphs, split into two chunks (two requests), with the input's blank lines between the answers.
    const input = `${INPUT}\n\n${INPUT}`;
    const chunked = [...TOY, "--chunk-tokens", "12", "-"];
    const hidden = runCli(chunked, input, env);
    expect(hidden.status).toBe(0);
    const parts = hidden.stdout.split("\n\n\n");
    expect(parts).toHaveLength(2);
    expect(parts[0]?.trim()).not.toBe("");
    expect(hidden.stdout).not.toMatch(MARKERS);
    // The input's final newline is kept.
    expect(hidden.stdout.endsWith("\n")).toBe(true);
    const shown = runCli([...chunked, "--show-reasoning"], input, env);
    expect(shown.status).toBe(0);
    // The same text on stdout; the reasoning behind the │ gutter on stderr (not a terminal: no colours).
    expect(shown.stdout).toBe(hidden.stdout);
    const reasoning = shown.stderr
      .split("\n")
      .filter((line) => line.startsWith("│ "))
      .map((line) => line.slice(2));
    expect(reasoning).toHaveLength(2);
    expect(reasoning[0]).toMatch(/^The user asks/);
    for (const line of reasoning) {
      expect(hidden.stdout).not.toContain(line.slice(0, 20));
      expect(hidden.stderr).not.toContain(line.slice(0, 20));
    }
    expect(hidden.stderr).not.toContain("│");
  });

  it("empty input and an unreadable file: one line each, exit 1", () => {
    const blank = join(work, "blank.txt");
    writeFileSync(blank, "  \n");
    const empty = runCli(["proofread", "--model", "toy", blank], undefined, env);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/^overtone: nothing to proofread: .*blank\.txt is empty \(/);
    const missing = runCli(["proofread", "--model", "toy", join(work, "nope.txt")], undefined, env);
    expect(missing.status).toBe(1);
    expect(
      missing.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("overtone:")),
    ).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope\.txt/);
  });
});
