/**
 * `overtone bench report` as a user runs it (the CLI's sources through tsx, so no build is needed): tables on
 * stdout, `--json` one document, `--html FILE` written whole (no temporary file left beside it), and a broken
 * record one line on stderr naming the file and line, exit code 1.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonl, ladderCalls, runsDir } from "./sample-calls.js";

const dirs = runsDir();
let run: string;

async function overtone(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      "npx",
      ["--no", "tsx", "packages/overtone/src/cli/main.ts", ...args],
      { cwd: join(import.meta.dirname, "../.."), timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  const models = [{ name: "tiny-llama", paramsB: 0.5 }];
  run = dirs.run(
    "run",
    jsonl(ladderCalls({ models, suites: ["diagnose"], devices: ["box"], repetitions: 5, seed: 9 })),
  );
});
afterAll(() => dirs.remove());

describe("overtone bench report", () => {
  it("prints the tables, or JSON, and writes the HTML page whole", async () => {
    const html = join(dirs.root, "report.html");
    const text = await overtone(["bench", "report", run, "--html", html]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^tiny-llama\s+diagnose\s+box\s+5\s/m);
    expect(text.stderr).toContain(`wrote ${html}`);
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>[\s\S]*<svg[\s\S]*<\/html>\n$/);
    expect(readdirSync(dirs.root).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const json = await overtone(["bench", "report", run, "--json", "--seed", "3", "--resamples", "200"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.groups).toHaveLength(1);
    expect(parsed).toMatchObject({ seed: 3, resamples: 200, includeWarmup: false, calls: 5 });
  }, 120_000);

  it("a broken record is one line naming the file and the line, exit 1", async () => {
    const broken = dirs.run("broken", `${readFileSync(join(run, "calls.jsonl"), "utf8")}{"schema":1}\n`);
    const result = await overtone(["bench", "report", broken, "--html", join(dirs.root, "never.html")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/calls\.jsonl line 7: field "call_id" must be present/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(dirs.root, "never.html"))).toBe(false);
  }, 120_000);
});
