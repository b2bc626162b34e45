/**
 * Runs the real data agent (DataAgent over the real locked-down DuckDB sandbox) on the held-out cases of
 * data-agent-cases.ts with any backend, and scores it per family: the SQL ran, and the final answer holds the
 * expected value (data-agent-matches.ts) — issue 15's "≥ 80 % of answers correct, reported per family".
 * `npm run eval:data-agent` (data-agent-eval.ts) is its command line; test/data-agent/eval-cases.test.ts runs
 * it on the toy. Each question gets a fresh memory: the cases are independent, and a failing one cannot leak.
 */
import { AgentMemory } from "../packages/overtone/src/agent/index.js";
import type { Backend } from "../packages/overtone/src/backends/contract.js";
import { openSandbox } from "../packages/overtone/src/data/index.js";
import { DataAgent, type DataAgentOptions } from "../packages/overtone/src/data-agent/index.js";
import { FAMILIES, type Family, generateDatasets, writeDatasets } from "./data-agent-cases.js";
import { matches } from "./data-agent-matches.js";

export interface EvalOptions {
  seed: number;
  perFamily: number;
  /** Passed to the agent as they are (sampling, maxTokens, maxSteps, maxRetries…). */
  agent?: Omit<DataAgentOptions, "backend" | "sandbox" | "memory">;
  /** Each record as it is scored (the CLI's `--json`, or progress). */
  onRecord?: (record: CaseRecord) => void;
}

export interface CaseRecord {
  family: Family;
  detail: string;
  table: string;
  question: string;
  expected: string;
  answer: string;
  sql: string | null;
  /** A query ran and gave the result the answer read from. */
  sqlRan: boolean;
  correct: boolean;
  steps: number;
  corrections: number;
  /** The agent's error line, when the question failed after its corrections. */
  error?: string;
  ms: number;
}

export interface FamilyLine {
  family: Family | "overall";
  cases: number;
  sqlRan: number;
  correct: number;
  rate: number;
  meanSteps: number;
  meanCorrections: number;
}

export const GOAL = 0.8;

export async function runDataAgentEval(backend: Backend, options: EvalOptions): Promise<CaseRecord[]> {
  const { datasets, remove } = writeDatasets(generateDatasets(options.seed, options.perFamily));
  const records: CaseRecord[] = [];
  try {
    for (const dataset of datasets) {
      const sandbox = await openSandbox([dataset.file]);
      try {
        for (const c of dataset.cases) {
          const agent = new DataAgent({
            date: false,
            ...options.agent,
            backend,
            sandbox,
            memory: new AgentMemory(),
          });
          const started = performance.now();
          const base = {
            family: c.family,
            detail: c.detail,
            table: c.table.name,
            question: c.question,
            expected: c.expected.text ?? "",
          };
          let record: CaseRecord;
          try {
            const a = await agent.ask(c.question);
            const sqlRan = a.sql !== null;
            record = {
              ...base,
              answer: a.answer,
              sql: a.sql,
              sqlRan,
              correct: sqlRan && matches(c.expected, a.answer),
              steps: a.steps.length,
              corrections: a.corrections,
              ms: Math.round(performance.now() - started),
            };
          } catch (error) {
            // The agent's own failure (still failing after its corrections): a wrong answer, not a crash.
            record = {
              ...base,
              answer: "",
              sql: null,
              sqlRan: false,
              correct: false,
              steps: 0,
              corrections: 0,
              error: error instanceof Error ? error.message : String(error),
              ms: Math.round(performance.now() - started),
            };
          }
          records.push(record);
          options.onRecord?.(record);
        }
      } finally {
        sandbox.close();
      }
    }
  } finally {
    remove();
  }
  return records;
}

export function summarizeEval(records: readonly CaseRecord[]): FamilyLine[] {
  const line = (family: FamilyLine["family"], rs: readonly CaseRecord[]): FamilyLine => {
    const n = rs.length;
    const sum = (f: (r: CaseRecord) => number) => rs.reduce((s, r) => s + f(r), 0);
    return {
      family,
      cases: n,
      sqlRan: rs.filter((r) => r.sqlRan).length,
      correct: rs.filter((r) => r.correct).length,
      rate: n === 0 ? 0 : rs.filter((r) => r.correct).length / n,
      meanSteps: n === 0 ? 0 : sum((r) => r.steps) / n,
      meanCorrections: n === 0 ? 0 : sum((r) => r.corrections) / n,
    };
  };
  return [
    ...FAMILIES.map((f) =>
      line(
        f,
        records.filter((r) => r.family === f),
      ),
    ),
    line("overall", records),
  ];
}

/** The per-family table and the goal line; says which families meet the goal, never fails. */
export function formatEval(lines: readonly FamilyLine[]): string {
  const header = "family      cases  sql ran  correct  correct %  mean steps  mean corrections";
  const rows = lines.map(
    (l) =>
      `${l.family.padEnd(10)}  ${String(l.cases).padStart(5)}  ${String(l.sqlRan).padStart(7)}  ` +
      `${String(l.correct).padStart(7)}  ${`${(l.rate * 100).toFixed(1)}%`.padStart(9)}  ` +
      `${l.meanSteps.toFixed(2).padStart(10)}  ${l.meanCorrections.toFixed(2).padStart(16)}`,
  );
  const families = lines.filter((l) => l.family !== "overall");
  const met = families.filter((l) => l.cases > 0 && l.rate >= GOAL).map((l) => l.family);
  const goal = `goal: ≥ ${GOAL * 100}% per family (issue 15): ${
    met.length === families.length ? "met" : `met by ${met.length}/${families.length}`
  }${met.length > 0 && met.length < families.length ? ` (${met.join(", ")})` : ""}`;
  return [header, ...rows, goal].join("\n");
}
