/**
 * A user suite with a `model-graded` assertion in a ladder (bench-run/suite-lookup.ts): graded by the ladder's
 * `grader:` model, here the tiny gpt-oss (random weights, so its grade is never a PASS or FAIL and every such
 * check fails saying so — proof the grader was asked); without a grader the ladder is refused before any model
 * loads, naming the suite file; so is a suite name that is not a built-in one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCallRecord } from "../../packages/overtone/src/bench/call-record-check.js";
import { parseLadder } from "../../packages/overtone/src/bench-run/ladder-file.js";
import { runLadder } from "../../packages/overtone/src/bench-run/run-ladder.js";
import { tinyModelPath } from "../support/tiny-models.js";
import { toyModelPath } from "../support/toy-model.js";

const dir = mkdtempSync(join(tmpdir(), "overtone-ladder-grader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ladderFile(grader: string[]): Promise<string> {
  writeFileSync(
    join(dir, "graded.yaml"),
    [
      "name: graded",
      "cases:",
      "  - id: sum",
      "    prompt: What is 2 plus 3?",
      "    assert: [{ type: model-graded, value: Says the sum is 5. }]",
      "",
    ].join("\n"),
  );
  const file = join(dir, `ladder-${grader.length}.yaml`);
  writeFileSync(
    file,
    [
      "exp_id: graded",
      "repetitions: 2",
      "warmup: 0",
      "max_tokens: 48",
      "suites: [{ file: graded.yaml }]",
      "models:",
      `  - { name: toy, backend: embedded, model: ${await toyModelPath()} }`,
      ...grader,
      "",
    ].join("\n"),
  );
  return file;
}

describe("a ladder's grader", () => {
  it("grades user suites' model-graded assertions", async () => {
    const file = await ladderFile([
      `grader: { backend: embedded, model: ${await tinyModelPath()}, params: { max_tokens: 16 } }`,
    ]);
    const out = join(dir, "run");
    await runLadder(parseLadder(readFileSync(file, "utf8"), file), { outDir: out });
    const lines = readFileSync(join(out, "calls.jsonl"), "utf8").trimEnd().split("\n");
    const records = lines.map((line, i) => parseCallRecord(line, "calls.jsonl", i + 1));
    expect(records.map((r) => `${r.suite}/${r.case_id}/${r.repetition}`)).toEqual([
      "graded/sum/1",
      "graded/sum/2",
    ]);
    for (const r of records) {
      expect(r.success).toBe(false);
      expect(r.errors.map((e) => e.message).join("\n")).toMatch(/grader gave no PASS or FAIL/);
    }
  }, 300_000);

  it("is required by a suite with model-graded assertions: refused before anything runs", async () => {
    const file = await ladderFile([]);
    const out = join(dir, "never");
    const refused = runLadder(parseLadder(readFileSync(file, "utf8"), file), { outDir: out });
    await expect(refused).rejects.toThrow(/graded\.yaml: cases\[0\]\.assert\[0\] needs a grader model/);
    await expect(refused).rejects.toMatchObject({
      hint: expect.stringMatching(/^add a grader to the ladder file/),
    });
    expect(existsSync(out)).toBe(false);
  });

  it("an unknown built-in suite name is refused with the ladder key, listing the names there are", async () => {
    const file = await ladderFile([]);
    const text = readFileSync(file, "utf8").replace(
      "suites: [{ file: graded.yaml }]",
      "suites: [smoke, diagnoze]",
    );
    const refused = runLadder(parseLadder(text, file), { outDir: join(dir, "never") });
    await expect(refused).rejects.toThrow(`${file}: suites[1] names no built-in suite: "diagnoze"`);
    await expect(refused).rejects.toMatchObject({
      hint: expect.stringMatching(/smoke, diagnose, brainstorm/),
    });
  });
});
