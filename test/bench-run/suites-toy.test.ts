/**
 * A user suite run for real: examples/suite.yaml loaded with the embedded toy model as its grader, each case sent
 * to the toy through measureCall (the runner's own measuring path) and judged by its real assertions. The toy's
 * answers are not the point (it knows Paris, not JSON); that the verdict follows them is: a `contains` passes
 * exactly when the answer holds the text, a model grade is a PASS or FAIL with a reason, and every failure names
 * its assertion.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backend } from "../../packages/overtone/src/backends/contract.js";
import { createEmbedded } from "../../packages/overtone/src/backends/embedded/index.js";
import { type MeasuredCall, measureCall } from "../../packages/overtone/src/bench-run/measure-call.js";
import type { BenchCase, BenchSuite, CaseOutput } from "../../packages/overtone/src/bench-run/suite.js";
import { builtInSuites, loadUserSuite } from "../../packages/overtone/src/bench-run/suites/index.js";
import { gradeWithModel } from "../../packages/overtone/src/bench-run/suites/model-graded.js";
import { toyModelPath } from "../support/toy-model.js";

const EXAMPLE = resolve(import.meta.dirname, "../../examples/suite.yaml");

function outputOf(measured: MeasuredCall): CaseOutput {
  return { ...measured.texts, finishReason: measured.finishReason };
}

describe("a user suite against the embedded toy model", () => {
  let toy: Backend;
  let suite: BenchSuite;
  const calls = new Map<string, MeasuredCall>();

  beforeAll(async () => {
    toy = createEmbedded({ model: await toyModelPath(), contextSize: 2048, threads: 1 });
    suite = await loadUserSuite(EXAMPLE, { grader: { backend: toy, maxTokens: 256, seed: 1 } });
    for (const c of suite.cases) {
      calls.set(c.id, await measureCall(toy, request(c)));
    }
  }, 300_000);
  afterAll(async () => {
    await toy?.close();
  });

  const request = (c: BenchCase) => ({
    conversation: c.conversation,
    temperature: 0,
    ...(c.effort !== undefined ? { effort: c.effort } : {}),
    ...(c.maxTokens !== undefined ? { maxTokens: c.maxTokens } : {}),
  });

  it("loads the example with its settings on every case", () => {
    expect(suite.name).toBe("capitals");
    expect(suite.cases.map((c) => c.id)).toEqual(["france", "japan-json", "follow-up"]);
    for (const c of suite.cases) {
      expect(c).toMatchObject({ promptVersion: "capitals@v1", effort: "low", maxTokens: 512 });
      expect(c.conversation.messages.slice(0, 2).map((m) => m.author.role)).toEqual(["system", "developer"]);
    }
    expect(suite.cases[0]?.input).toEqual({
      prompt: "What is the capital of France?",
      vars: { country: "France", capital: "Paris" },
    });
    expect(suite.cases[2]?.input.messages).toEqual([
      { role: "user", content: "What is the capital of Italy?" },
      { role: "assistant", content: "The capital of Italy is Rome." },
      { role: "user", content: "And of Spain?" },
    ]);
  });

  it("judges the toy's real answers by the real checks", async () => {
    for (const c of suite.cases) {
      const measured = calls.get(c.id) as MeasuredCall;
      expect(measured.finishReason).toBe("stop");
      const verdict = await c.check(outputOf(measured));
      expect(verdict.success).toBe(verdict.errors.length === 0);
      for (const error of verdict.errors) {
        expect(error.kind).toBe("assertion");
        expect(error.message).toMatch(
          /^assert\[\d\] (contains|not-contains|regex|json-schema|javascript|model-graded) /,
        );
      }
      const answer = measured.texts.answer;
      const failed = (kind: string) => verdict.errors.some((e) => e.message.includes(`] ${kind} `));
      if (c.id === "france") {
        expect(failed("contains")).toBe(!answer.includes("Paris"));
        expect(failed("not-contains")).toBe(answer.includes("<|channel|>") || answer.includes("We need to"));
      }
      if (c.id === "japan-json") {
        // parsed_ok is the JSON question's: whether the answer was JSON at all.
        expect(verdict.parsedOk).toBe(isJson(answer));
      } else expect(verdict.parsedOk).toBeNull();
      if (c.id === "follow-up") expect(failed("contains")).toBe(!/madrid/i.test(answer));
    }
  }, 300_000);

  it("grades with the toy as the grader model: a PASS or FAIL and a reason", async () => {
    const grade = await gradeWithModel({ backend: toy, maxTokens: 256, seed: 1 }, "Names Paris.", "Paris.");
    expect(typeof grade.pass).toBe("boolean");
    expect(grade.reason.length).toBeGreaterThan(0);
    const france = suite.cases[0] as BenchCase;
    const verdict = await france.check(outputOf(calls.get("france") as MeasuredCall));
    const graded = verdict.errors.find((e) => e.message.includes("model-graded"));
    // A grade the toy gave FAIL (or no verdict at all) is a failure naming the rubric and why; PASS adds nothing.
    if (graded !== undefined)
      expect(graded.message).toMatch(/^assert\[4\] model-graded "Names Paris[^"]*"…?: .+/);
  }, 120_000);

  it("sends each built-in suite's first case to the toy and judges its answer (the toy passes few)", async () => {
    for (const builtIn of Object.values(builtInSuites())) {
      const c = builtIn.cases[0] as BenchCase;
      const measured = await measureCall(toy, { ...request(c), maxTokens: 512 });
      expect([builtIn.name, measured.finishReason]).toEqual([builtIn.name, "stop"]);
      const verdict = await c.check(outputOf(measured));
      expect(verdict.success).toBe(verdict.errors.length === 0);
      expect(verdict.errors.every((e) => e.kind === "assertion" && e.message !== "")).toBe(true);
      if (builtIn.name === "brainstorm") expect(verdict.ideaCount).toBeGreaterThanOrEqual(0);
      if (builtIn.name === "safe-command") expect(typeof verdict.parsedOk).toBe("boolean");
    }
  }, 300_000);
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text.replace(/^\s*```(?:json)?\s*\n|\n\s*```\s*$/g, ""));
    return true;
  } catch {
    return false;
  }
}
