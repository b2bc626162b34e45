import { CALL, encodeWithSpecialTokens, RETURN } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { generateCorpus, heldOutCases } from "../corpus/corpus.js";
import { type GenerateTurn, scoreCase } from "./score-case.js";
import { summarize } from "./summarize.js";

const SEED = 7;
const COUNT = 60;
const cases = heldOutCases({ seed: SEED, count: COUNT });
// Held-out case i is the prompt of held-out example i: its masked runs are what a perfect model generates.
const examples = generateCorpus({ seed: SEED, count: COUNT, split: "heldout" });

function generatedRuns(i: number): number[][] {
  const { tokens, lossMask } = examples[i] as (typeof examples)[number];
  const runs: number[][] = [];
  for (let t = 0; t < tokens.length; t++) {
    if (lossMask[t] !== 1) continue;
    if (t === 0 || lossMask[t - 1] !== 1) runs.push([]);
    runs.at(-1)?.push(tokens[t] as number);
  }
  return runs;
}

/** A model that replays example i's generated segments, one per call, optionally altered. */
function replayModel(i: number, alter: (run: number[], call: number) => number[] = (r) => r): GenerateTurn {
  const runs = generatedRuns(i);
  let call = 0;
  return async () => alter(runs[call] ?? [], call++);
}

async function scoreAll(alter?: (run: number[], call: number, i: number) => number[]) {
  const scores = [];
  for (let i = 0; i < cases.length; i++) {
    scores.push(
      await scoreCase(
        cases[i] as (typeof cases)[number],
        replayModel(i, alter && ((r, c) => alter(r, c, i))),
      ),
    );
  }
  return { scores, report: summarize(cases, scores) };
}

describe("scoring held-out cases", () => {
  it("gives the corpus's own turns full marks, with its analysis lengths by effort", async () => {
    const { scores, report } = await scoreAll();
    expect(cases.some((c) => c.expected.kind === "tool")).toBe(true);
    expect(scores.flatMap((s) => s.problems)).toEqual([]);
    expect(report.structured.rate).toBe(1);
    expect(report.validCall.rate).toBe(1);
    expect(report.validCall.total).toBe(cases.filter((c) => c.expected.kind === "tool").length);
    expect(report.finalMentionsResult.rate).toBe(1);
    expect(report.answerCorrect.rate).toBe(1);
    expect(report.verdicts.every((v) => v.met)).toBe(true);
    for (const [i, s] of scores.entries()) expect(s.analysisTokens).toBe(examples[i]?.analysisTokens);
  });

  it("fails a turn cut before its stop token, a turn without analysis, and a plain-text answer", async () => {
    const cut = await scoreAll((run) => run.slice(0, -1));
    expect(cut.report.structured.rate).toBe(0);
    const noAnalysis = await scoreAll((run) => {
      // Drop everything up to the first `<|start|>assistant` header: the turn opens with its second message.
      const at = run.indexOf(encodeWithSpecialTokens("<|start|>")[0] as number);
      return at < 0 ? run : run.slice(at + 2);
    });
    expect(noAnalysis.report.structured.rate).toBe(0);
    expect(noAnalysis.scores.every((s) => s.analysisTokens === undefined)).toBe(true);
    const plain = await scoreAll(() => encodeWithSpecialTokens("Paris is the capital."));
    expect(plain.report.structured.rate).toBe(0);
    expect(plain.scores[0]?.problems[0]).toMatch(/^parse: /);
  });

  it("fails a call whose arguments break the schema, and a final that drops the tool's result", async () => {
    const badArgs = await scoreAll((run, call) => {
      if (call !== 0 || run.at(-1) !== CALL) return run;
      const text = encodeWithSpecialTokens('{"nonsense": true}');
      const message = run.lastIndexOf(encodeWithSpecialTokens("<|message|>")[0] as number);
      return [...run.slice(0, message + 1), ...text, CALL];
    });
    expect(badArgs.report.validCall.rate).toBe(0);
    expect(badArgs.report.structured.rate).toBeGreaterThan(0); // answer cases are untouched
    const vague = await scoreAll((run, call) => {
      if (call !== 1 || run.at(-1) !== RETURN) return run;
      const message = run.lastIndexOf(encodeWithSpecialTokens("<|message|>")[0] as number);
      return [...run.slice(0, message + 1), ...encodeWithSpecialTokens("Done."), RETURN];
    });
    expect(vague.report.finalMentionsResult.rate).toBe(0);
    expect(vague.report.validCall.rate).toBe(1);
  });
});
