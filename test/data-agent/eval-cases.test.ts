/**
 * The data agent's evaluation (bench/data-agent-*.ts, `npm run eval:data-agent`; issue 15 Must show (a)) checked
 * itself: the held-out generator repeats per seed; its expected values — computed in TypeScript from the rows —
 * agree with DuckDB running a hand-written reference query over the same CSV through the real sandbox, for every
 * family; the matching rules accept right answers in several phrasings and reject wrong numbers and names; and
 * the harness runs end to end on the embedded toy, giving a report of the right shape.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type EvalCase, FAMILIES, generateDatasets, writeDatasets } from "../../bench/data-agent-cases.js";
import { type Expected, matches, numbersIn } from "../../bench/data-agent-matches.js";
import { formatEval, runDataAgentEval, summarizeEval } from "../../bench/data-agent-run.js";
import { createEmbedded } from "../../packages/overtone/src/backends/embedded/index.js";
import { openSandbox } from "../../packages/overtone/src/data/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../support/toy-model.js";
import { finalAnswer, queryCall, ReplayBackend } from "./replay-backend.js";

afterAll(() => disposeEngineLlama());

/** The reference query for a case, written from what it is about (not from the generator's code). */
function referenceSql(c: EvalCase): string {
  const t = `"${c.table.name}"`;
  const q = (name = "") => `"${name}"`;
  const { column, category, measure, value, n } = c.about;
  switch (c.family) {
    case "count":
      return `SELECT count(*) FROM ${t}`;
    case "aggregate":
      return `SELECT ${c.detail}(${q(column)}) FROM ${t}`;
    case "filter":
      return `SELECT count(*) FROM ${t} WHERE ${q(category)} = '${value}'`;
    case "group":
      return `SELECT ${q(category)} FROM ${t} GROUP BY 1 ORDER BY ${
        measure === undefined ? "count(*)" : `sum(${q(measure)})`
      } DESC LIMIT 1`;
    case "top-n":
      return `SELECT ${q(category)} FROM ${t} GROUP BY 1 ORDER BY sum(${q(measure)}) DESC LIMIT ${n}`;
  }
}

describe("held-out cases", () => {
  it("are the same for the same seed and differ for another", () => {
    const strip = (seed: number) =>
      generateDatasets(seed, 4).map((d) => ({ table: d.table, cases: d.cases.map((c) => c.question) }));
    expect(strip(7)).toEqual(strip(7));
    expect(strip(8)).not.toEqual(strip(7));
    for (const d of generateDatasets(7, 4)) {
      expect(d.cases.map((c) => c.family)).toEqual([...FAMILIES]);
      expect(d.table.columns.length).toBeGreaterThanOrEqual(3);
      expect(d.table.columns.length).toBeLessThanOrEqual(6);
    }
  });

  it("expect what DuckDB computes from the same CSV with a reference query, in every family", async () => {
    const { datasets, remove } = writeDatasets(generateDatasets(3, 12));
    try {
      for (const d of datasets) {
        const sandbox = await openSandbox([d.file]);
        try {
          for (const c of d.cases) {
            const result = await sandbox.query(referenceSql(c));
            const cells = result.rows.map((row) => Object.values(row)[0]);
            if (c.expected.kind === "number") {
              expect(Number(cells[0]), `${c.question} (${c.table.name})`).toBeCloseTo(c.expected.value, 6);
            } else if (c.family === "group") {
              expect(cells).toEqual(c.expected.names);
            } else {
              expect([...cells].sort()).toEqual([...c.expected.names].sort());
            }
          }
        } finally {
          sandbox.close();
        }
      }
    } finally {
      remove();
    }
  });
});

describe("matching a final answer", () => {
  const number = (value: number): Expected => ({ kind: "number", value });
  const names = (n: string[], among: string[]): Expected => ({ kind: "names", names: n, among });

  it("reads numbers, not the digits of dates or names", () => {
    expect(numbersIn("On 2024-01-02, 1,234.5 units cost $12.50 and -3 fell; sensor_2 too.")).toEqual([
      { value: 1234.5, decimals: 1 },
      { value: 12.5, decimals: 2 },
      { value: -3, decimals: 0 },
    ]);
  });

  it("accepts the value in several phrasings and roundings", () => {
    expect(matches(number(7), "There are 7 orders from France.")).toBe(true);
    expect(matches(number(7), "7")).toBe(true);
    expect(matches(number(1234.57), "The total amount is $1,234.57.")).toBe(true);
    expect(matches(number(1234.57), "About 1,235 in total.")).toBe(true);
    expect(matches(number(12.3456), "The average is 12.35.")).toBe(true);
    expect(matches(number(12.3456), "Roughly 12.3")).toBe(true);
    expect(matches(number(-4.5), "The lowest temperature was -4.5 degrees.")).toBe(true);
  });

  it("rejects wrong numbers and too coarse roundings", () => {
    expect(matches(number(7), "There are 8 orders.")).toBe(false);
    expect(matches(number(3.4), "The average is 3.")).toBe(false);
    expect(matches(number(12.3456), "The average is 12.34.")).toBe(false);
    expect(matches(number(4.5), "The lowest temperature was -4.5.")).toBe(false);
    expect(matches(number(2024), "Orders from 2024-01-02.")).toBe(false);
    expect(matches(number(7), "I could not find it.")).toBe(false);
  });

  it("names: the winner first for group, the top N in any order for top-n", () => {
    const among = ["France", "Spain", "Italy", "Chile"];
    expect(matches(names(["France"], among), "France has the most orders (12), ahead of Spain.")).toBe(true);
    expect(matches(names(["France"], among), "the answer is france")).toBe(true);
    expect(matches(names(["France"], among), "Spain has the most orders.")).toBe(false);
    expect(matches(names(["France"], among), "Spain is second to France.")).toBe(false);
    expect(matches(names(["France"], among), "Frances wins.")).toBe(false);
    expect(matches(names(["Spain", "France"], among), "The top 2: France (900) and Spain (800).")).toBe(true);
    expect(matches(names(["Spain", "France"], among), "France and Italy lead, then Spain.")).toBe(false);
    expect(matches(names(["Spain", "France"], among), "Spain.")).toBe(false);
  });
});

describe("the harness", () => {
  const cases = generateDatasets(1, 2).flatMap((d) => d.cases);

  it("scores a scripted model that runs the reference SQL and states the value 100 % correct", async () => {
    // Scripted outputs (not recorded traffic): per case, the reference query, then a final with the value.
    const backend = new ReplayBackend(
      cases.flatMap((c) => [queryCall(referenceSql(c)), finalAnswer(`The answer is ${c.expected.text}.`)]),
    );
    const records = await runDataAgentEval(backend, { seed: 1, perFamily: 2 });
    expect(backend.left).toBe(0);
    expect(records.every((r) => r.sqlRan && r.correct && r.steps === 1)).toBe(true);
    expect(summarizeEval(records).map((l) => l.rate)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(formatEval(summarizeEval(records))).toContain("goal: ≥ 80% per family (issue 15): met");
  });

  it("scores SQL that ran with a wrong final, and a final with no SQL, as wrong", async () => {
    const backend = new ReplayBackend(
      cases.flatMap((c, i) =>
        i % 2 === 0
          ? [queryCall(referenceSql(c)), finalAnswer("I could not tell from the data.")]
          : [finalAnswer(`The answer is ${c.expected.text}.`)],
      ),
    );
    const records = await runDataAgentEval(backend, { seed: 1, perFamily: 2 });
    expect(records.map((r) => r.sqlRan)).toEqual(cases.map((_, i) => i % 2 === 0));
    expect(records.some((r) => r.correct)).toBe(false);
  });
});

describe("the harness on the toy", () => {
  it("runs one case per family and reports each family", async () => {
    const embedded = createEmbedded({ model: await toyModelPath(), threads: 1, contextSize: 4096 });
    try {
      // The toy does not write SQL yet (issue 15 item 3 retrains it): expect about 0 % correct, so only the
      // report's shape is checked here; `npm run eval:data-agent` reports the rate.
      const records = await runDataAgentEval(embedded, {
        seed: 1,
        perFamily: 1,
        agent: { sampling: { temperature: 0 }, maxTokens: 200, maxRetries: 1, maxSteps: 2 },
      });
      expect(records.map((r) => r.family)).toEqual([...FAMILIES]);
      for (const r of records) {
        expect(r).toMatchObject({ question: expect.any(String), expected: expect.any(String) });
        expect(typeof r.correct).toBe("boolean");
        expect(r.ms).toBeGreaterThanOrEqual(0);
        if (r.correct) expect(r.sqlRan).toBe(true);
      }
      const lines = summarizeEval(records);
      expect(lines.map((l) => l.family)).toEqual([...FAMILIES, "overall"]);
      expect(lines.at(-1)?.cases).toBe(5);
      const text = formatEval(lines);
      expect(text).toMatch(/^family +cases +sql ran +correct +correct %/);
      expect(text).toContain("goal: ≥ 80% per family (issue 15)");
    } finally {
      await embedded.close();
    }
  }, 60_000);
});
