/**
 * `overtone bench run` as a user runs it (the CLI's sources through tsx): a ladder on the embedded toy is killed
 * mid-run (SIGKILL, no chance to tidy up), resumed with --resume, and then holds every call exactly once, valid
 * line by line and readable by `overtone bench report`; without a terminal progress is one line per model; a bad
 * ladder file is refused with its key path, and an out folder that cannot be written is refused, both exit 1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCallRecord } from "../../packages/overtone/src/bench/call-record-check.js";
import { toyModelPath } from "../support/toy-model.js";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "overtone-bench-run-"));
const ladder = join(dir, "ladder.yaml");
const out = join(dir, "run");
const calls = join(out, "calls.jsonl");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in node itself (not through npx), so killing the child kills the run. */
function overtone(args: string[], onStart?: (child: ChildProcess) => void): Promise<Result> {
  const child = spawn(process.execPath, ["--import", "tsx", "packages/overtone/src/cli/main.ts", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  onStart?.(child);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const lineCount = () => (existsSync(calls) ? readFileSync(calls, "utf8").split("\n").length - 1 : 0);

beforeAll(async () => {
  writeFileSync(
    ladder,
    [
      "exp_id: cli-ladder",
      "device: test-box",
      "repetitions: 3",
      "warmup: 1",
      "max_tokens: 24",
      "suites: [smoke]",
      "models:",
      `  - { name: toy, backend: embedded, model: ${await toyModelPath()} }`,
      "",
    ].join("\n"),
  );
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("overtone bench run", () => {
  it("resumes a killed run: every call exactly once, and bench report reads it", async () => {
    const killed = await overtone(["bench", "run", ladder, "--out", out], (child) => {
      const poll = setInterval(() => {
        if (lineCount() >= 3) {
          clearInterval(poll);
          child.kill("SIGKILL");
        }
      }, 20);
      child.on("close", () => clearInterval(poll));
    });
    expect(killed.code).toBeNull(); // killed, not finished
    const before = lineCount();
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(7);

    const resumed = await overtone(["bench", "run", ladder, "--out", out, "--resume"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/model 1\/1 toy: done/); // not a terminal: a line per model
    expect(resumed.stderr).toContain(`already recorded before --resume`);
    expect(resumed.stderr).toContain(`next: overtone bench report ${out}`);

    const lines = readFileSync(calls, "utf8").trimEnd().split("\n");
    const records = lines.map((line, i) => parseCallRecord(line, calls, i + 1));
    const measured = records.filter((r) => !r.warmup).map((r) => `${r.case_id}/${r.repetition}`);
    expect(measured.sort()).toEqual(["hello/1", "hello/2", "hello/3", "sum/1", "sum/2", "sum/3"]);
    // Each session warms the freshly loaded model up again, under its own id.
    const warmups = records.filter((r) => r.warmup).map((r) => r.call_id);
    expect(warmups).toEqual(["cli-ladder@test-box/toy/warmup/1", "cli-ladder@test-box/toy/warmup/2"]);

    const report = await overtone(["bench", "report", out]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^toy\s+smoke\s+test-box\s+6\s/m);
  }, 600_000);

  it("on a terminal redraws one progress line with a bar and an ETA", async () => {
    const short = join(dir, "short.yaml");
    writeFileSync(short, readFileSync(ladder, "utf8").replace("repetitions: 3", "repetitions: 1"));
    // script(1) gives the CLI a pseudo-terminal for stdin, stdout and stderr; its output is the terminal's.
    const command = `${process.execPath} --import tsx packages/overtone/src/cli/main.ts bench run ${short} --out ${join(dir, "tty")}`;
    const result = await new Promise<Result>((resolve) => {
      const child = spawn("script", ["-qec", command, "/dev/null"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr: "" }));
    });
    expect(result.code).toBe(0);
    const redraw = "\r\u001b[2K"; // carriage return, then erase the line
    expect(result.stdout).toContain(`${redraw}[........................] 0/3 · model 1/1 toy`);
    expect(result.stdout).toContain(`${redraw}[########################] 3/3 · model 1/1 toy`);
    expect(result.stdout).toMatch(/ · ETA \d+s/);
    expect(result.stdout).not.toMatch(/toy: done/); // the per-model lines are for logs only
    expect(result.stdout).toMatch(/3 calls recorded, \d failed/);
  }, 300_000);

  it("refuses a bad ladder file with the key path, exit 1", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(ladder, "utf8").replace("repetitions: 3", "repetitions: three"));
    const result = await overtone(["bench", "run", bad, "--out", join(dir, "never")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}: repetitions must be a whole number ≥ 1, not "three"`);
    expect(existsSync(join(dir, "never"))).toBe(false);
  }, 60_000);

  it("refuses an out folder it cannot write, exit 1", async () => {
    // A file where the folder should be: refused even for root, who may write into read-only folders.
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const result = await overtone(["bench", "run", ladder, "--out", join(blocker, "run")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot create the run folder .*a-file\/run/);
  }, 60_000);
});
