/**
 * `overtone bench rate` in a real terminal, as chat-tty.test.ts drives chat: the built CLI runs inside tmux (a
 * pty, 100×30), keys go in with send-keys and the screen is read with capture-pane. The run is a hand-written
 * calls.jsonl (test/fixtures/bench-rate: a warm-up, a gpt-oss call with reasoning and a long answer, a llama call,
 * an empty answer with its error). Checked: what one call shows, that each rating is in ratings.jsonl while the
 * pass is still running, undo, quit's tally, a second pass resuming at the unrated call, the refusal without a
 * terminal (exit 2), and `bench report` showing the mean rating afterwards.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { closeTmuxSessions, startInTmux } from "../support/tmux-session.js";

const BIN = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../fixtures/bench-rate/calls.jsonl", import.meta.url));
const COLUMNS = 100;
const work = mkdtempSync(join(tmpdir(), "overtone-bench-rate-"));
const run = join(work, "run");
afterAll(() => {
  closeTmuxSessions();
  rmSync(work, { recursive: true, force: true });
});

/** `overtone bench rate ARGS…` in a real terminal (100×30). */
const startRate = (args: string[]) =>
  startInTmux([process.execPath, BIN, "bench", "rate", ...args], COLUMNS, 30);

/** The fixture's final answer of a call. */
function answerOf(callId: string): string {
  const records = readFileSync(FIXTURE, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
  return records.find((r) => r.call_id === callId).output.final;
}

/** ratings.jsonl as written so far, one parsed line each. */
function ratingLines(): Array<{ call_id: string; rating: number | null; note: string | null; at: string }> {
  const text = readFileSync(join(run, "ratings.jsonl"), "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

async function overtone(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("overtone bench rate in a terminal", () => {
  it("rates, notes, undoes and quits; ratings are on disk at once; the next pass resumes; report shows them", async () => {
    mkdirSync(run);
    copyFileSync(FIXTURE, join(run, "calls.jsonl"));
    const pass = startRate([run]);
    const first = await pass.waitFor((s) => s.includes("call 1 of 3"), "the first call");
    // The warm-up is left out: three calls, the first is the gpt-oss one.
    expect(first).toContain("model gpt-oss-tiny · suite diagnose · case wifi · repetition 1");
    expect(first).toContain("input: WiFi not working on my laptop since this morning");
    expect(first).toContain("finish: stop · errors: none");
    expect(first).toMatch(/… \d+ more lines of the answer cut/);
    expect(first).toMatch(/reasoning: 74 characters, hidden \(r shows it\)/);
    expect(first).not.toContain("REASONING-MARKER");
    // Wrapped to the pane at word boundaries, greedily: the lines rejoin to the answer, none could take one more word.
    const lines = first.split("\n");
    const block = lines.slice(
      lines.indexOf("── answer ──") + 1,
      lines.findIndex((l) => l.startsWith("… ")),
    );
    expect(block.length).toBeGreaterThan(5);
    expect(answerOf("oss-wifi-1").startsWith(block.join(" "))).toBe(true);
    block.forEach((line, i) => {
      expect(line.length).toBeLessThan(COLUMNS);
      const nextWord = block[i + 1]?.split(" ")[0];
      if (nextWord !== undefined) expect(line.length + 1 + nextWord.length).toBeGreaterThan(COLUMNS - 1);
    });

    pass.keys("r");
    await pass.waitFor((s) => s.includes("REASONING-MARKER"), "the reasoning");
    pass.keys("4");
    await pass.waitFor((s) => s.includes("call 2 of 3"), "the second call");
    // On disk while the pass still runs: a crash now would lose nothing.
    expect(ratingLines()).toMatchObject([{ call_id: "oss-wifi-1", rating: 4, note: null }]);
    const second = pass.screen();
    expect(second).toContain("input: DNS lookups fail but ping 1.1.1.1 works");
    expect(second).toContain("repetition 2");

    pass.keys("n");
    await pass.waitFor((s) => s.includes("note (enter keeps it, esc drops it)›"), "the note editor");
    pass.literal("too shortx");
    pass.keys("BSpace", "Enter");
    await pass.waitFor((s) => s.includes("rating: none · note: too short"), "the kept note");
    pass.keys("2");
    const third = await pass.waitFor((s) => s.includes("call 3 of 3"), "the third call");
    expect(third).toContain("(no answer: length inside the reasoning)");
    expect(third).toContain("errors: empty-answer: the budget ran out during the reasoning");
    expect(third).toContain("finish: length");
    expect(ratingLines().at(-1)).toMatchObject({ call_id: "llama-dns-1", rating: 2, note: "too short" });

    pass.keys("u");
    await pass.waitFor((s) => s.includes("call 2 of 3") && s.includes("taken back"), "the undo");
    expect(ratingLines().at(-1)).toMatchObject({ call_id: "llama-dns-1", rating: null });
    pass.keys("3");
    await pass.waitFor((s) => s.includes("call 3 of 3"), "the third call again");
    pass.keys("q");
    const done = await pass.waitFor((s) => s.includes("[exit 0]"), "the quit");
    expect(done).toContain(`rated 2, skipped 0, left 1 · ratings in ${join(run, "ratings.jsonl")}`);

    // The next pass starts where this one stopped: only the call still unrated.
    const again = startRate([run]);
    const resumed = await again.waitFor((s) => s.includes("call 1 of 1"), "the resumed pass");
    expect(resumed).toContain("case usb");
    again.keys("1");
    const end = await again.waitFor((s) => s.includes("[exit 0]"), "the end of the second pass");
    expect(end).toContain("rated 1, skipped 0, left 0");
    const nothing = startRate([run]);
    await nothing.waitFor(
      (s) => s.includes("nothing to rate: every call is rated") && s.includes("[exit 0]"),
      "nothing left",
    );

    const report = await overtone(["bench", "report", run, "--json", "--resamples", "50"]);
    expect(report.code).toBe(0);
    const groups = (JSON.parse(report.stdout) as { groups: Array<{ model: string; rating: unknown }> })
      .groups;
    const rating = (model: string) => groups.find((g) => g.model === model)?.rating;
    expect(rating("gpt-oss-tiny")).toEqual({ mean: 2.5, count: 2 });
    expect(rating("tiny-llama")).toEqual({ mean: 3, count: 1 });
    const table = await overtone(["bench", "report", run, "--resamples", "50"]);
    expect(table.stdout).toMatch(/^gpt-oss-tiny\s+diagnose\s+box\s+2\s.*\s2\.5 \(2\)$/m);
  }, 240_000);

  it("refuses without a terminal: a pass needs a person, exit 2", async () => {
    const result = await overtone(["bench", "rate", FIXTURE]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^overtone: bench rate needs a person at a terminal/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);
});
