/**
 * `overtone data ask` and `overtone data chat`, run as a user would (the built CLI) on the embedded toy model:
 * `--json` prints one object, a question that still fails after its corrections exits 1 with one stderr line,
 * wrong flags are refused before anything loads, and `data chat` from a pipe answers each line and runs its
 * commands. (The toy does not write SQL yet: the answers themselves are not checked here.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliAsync } from "../cli/run-cli.js";
import { type DataDir, makeDataDir } from "../data/data-files.js";

let data: DataDir;
beforeAll(async () => {
  data = await makeDataDir();
});
afterAll(() => data?.remove());

const TOY = ["--model", "toy", "--temperature", "0", "--threads", "1"];

describe("overtone data ask", () => {
  it("prints one JSON object with --json", async () => {
    const result = await runCliAsync([
      "data",
      "ask",
      data.sales,
      "How many orders came from France?",
      ...TOY,
      "--json",
    ]);
    expect(result.status).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(Object.keys(answer)).toEqual(expect.arrayContaining(["answer", "kind", "sql", "result", "steps"]));
    expect(typeof answer.answer).toBe("string");
    expect(answer.answer).not.toBe("");
    expect(Array.isArray(answer.steps)).toBe(true);
  }, 60_000);

  it("exits 1 with one stderr line when the question still fails after its corrections", async () => {
    const result = await runCliAsync([
      "data",
      "ask",
      data.sales,
      "How many orders came from France?",
      ...TOY,
      "--max-tokens",
      "1",
      "--max-retries",
      "1",
    ]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^overtone: still failing after 1 correction: length: the turn stopped at the token limit \(1\)/,
    );
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  }, 60_000);

  it("refuses wrong flags before loading anything, each with one line", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["--efforts", "generate=extreme"],
        /^overtone: effort "extreme" for generate is not low, medium or high/,
      ],
      [["--efforts", "plan=high"], /^overtone: unknown task "plan"/],
      [["--efforts", "generate"], /^overtone: --efforts: "generate" is not task=effort/],
      [
        ["--chart-out", "chart.pdf"],
        /^overtone: --chart-out chart\.pdf: a chart file ends in \.svg, \.png or \.html/,
      ],
      [["--tools", "tools.json"], /^overtone: --tools does not apply to the data agent/],
      [["--max-steps", "0"], /^overtone: --max-steps: expected a positive whole number/],
    ];
    // In parallel: none of them loads a model.
    const results = await Promise.all(
      cases.map(([flags]) => runCliAsync(["data", "ask", data.sales, "How many orders?", ...TOY, ...flags])),
    );
    results.forEach((result, i) => {
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(cases[i]?.[1] as RegExp);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    });
  }, 60_000);

  it("needs files and a question", async () => {
    const result = await runCliAsync(["data", "ask", "How many orders?"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^overtone: give the data files and then the question/);
  });
});

describe("overtone data chat", () => {
  it("answers each piped line and runs its commands", async () => {
    const input = [
      "How many orders?",
      "/sql on",
      "/reasoning off",
      "/sql maybe",
      "/reset",
      "/bogus",
      "/help",
      "What is the total amount?",
      "",
    ].join("\n");
    const result = await runCliAsync(["data", "chat", data.sales, ...TOY], input);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("SQL: shown");
    expect(result.stdout).toContain("reasoning: hidden");
    expect(result.stdout).toContain('/sql: expected on or off, found "maybe"');
    expect(result.stdout).toContain("earlier questions forgotten");
    expect(result.stdout).toContain("unknown command /bogus; /help lists them");
    expect(result.stdout).toContain("/sql [on|off]");
    // Two answers: the lines not written by a command.
    const answers = result.stdout
      .split("\n")
      .filter(
        (l) =>
          l.trim() !== "" &&
          !/SQL: shown|reasoning: hidden|expected on or off|forgotten|unknown command|^ *\/|commands:|Ctrl-C/.test(
            l,
          ),
      );
    expect(answers.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
