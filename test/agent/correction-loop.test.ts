/**
 * Error correction in an isolated context (issue 15): a CorrectableError asks for a correction prompt built from
 * the failure alone; the retry limit ends it with every failure on the error; other errors pass through.
 */
import { describe, expect, it } from "vitest";
import {
  CorrectableError,
  correctionRequest,
  type StepFailure,
  withCorrection,
} from "../../packages/overtone/src/agent/index.js";

const failure = (n: number): StepFailure => ({
  kind: "catalog",
  message: `no column c${n}`,
  output: `SELECT c${n}`,
});

describe("withCorrection", () => {
  it("returns the first success and the failures corrected on the way", async () => {
    const seen: [StepFailure, number][] = [];
    const result = await withCorrection(
      async () => {
        throw new CorrectableError(failure(0));
      },
      {
        correct: async (f, attempt) => {
          seen.push([f, attempt]);
          if (attempt < 2) throw new CorrectableError(failure(attempt));
          return "SELECT 1";
        },
      },
    );
    expect(result).toEqual({ value: "SELECT 1", failures: [failure(0), failure(1)] });
    expect(seen).toEqual([
      [failure(0), 1],
      [failure(1), 2],
    ]);
  });

  it("gives up after maxRetries corrections, naming the last error", async () => {
    let calls = 0;
    const always = async (): Promise<string> => {
      calls++;
      throw new CorrectableError(failure(calls));
    };
    await expect(withCorrection(always, { correct: always, maxRetries: 2 })).rejects.toThrow(
      /still failing after 2 corrections: catalog: no column c3/,
    );
    expect(calls).toBe(3);
  });

  it("lets other errors through at once", async () => {
    const broken = async (): Promise<string> => {
      throw new TypeError("bug");
    };
    await expect(withCorrection(broken, { correct: broken })).rejects.toThrow(TypeError);
  });
});

describe("correctionRequest", () => {
  it("holds the request, the failed output, the error and the instructions for its kind, nothing else", () => {
    const text = correctionRequest("How many orders from France?", failure(7), {
      catalog: "Use only the columns listed in the task context.",
      default: "Fix it.",
    });
    expect(text).toBe(
      "The request was: How many orders from France?\n\nThis output failed:\nSELECT c7\n\n" +
        "The error (catalog):\nno column c7\n\nUse only the columns listed in the task context.",
    );
    expect(correctionRequest("q", { kind: "other", message: "m" }, { default: "Fix it." })).toMatch(
      /Fix it\.$/,
    );
  });
});
