/**
 * `npm run bench:bench`, report half (issue 16 "Must show"): `bench report` over 100,000 generated call records
 * (20 groups of 5,000: 4 models × 5 suites, one warm-up each; ~1 KB lines with a raw output), against a named
 * baseline measured in the same run, taking turns: DuckDB's bare `read_json` of the same file with a
 * `GROUP BY` computing count and the median latency per group — what the report cannot do with less.
 * The report's extra work: checking every line (call-record-check.ts), the explicit schema and the ratings join,
 * bootstrap intervals for 5 metrics × 2 quantiles per group, the text; and, separately, the HTML with its charts.
 * Goal: ≤ 2 s for the report. The machine is shared (2 cores), so rounds interleave and medians are compared.
 * The harness-overhead half of bench:bench is bench-harness.bench.ts (run after this one).
 */
import { writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  benchReport,
  benchReportHtml,
  benchReportText,
  checkRunFiles,
  resolveRunFiles,
} from "../packages/overtone/src/bench/index.js";
import { jsonl, ladderCalls, runsDir } from "../test/bench/sample-calls.js";
import { median } from "./engine-measure.js";

const ROUNDS = 5;
const MODELS = [
  { name: "llama3.2:1b", paramsB: 1.2 },
  { name: "llama3.2:3b", paramsB: 3.2 },
  { name: "llama3:8b", paramsB: 8 },
  { name: "gpt-oss:20b", paramsB: 20.9 },
];
const SUITES = ["diagnose", "brainstorm", "judge", "safe-command", "proofread"];
const RAW = "1. Check that the adapter is enabled: `ip link`. 2. Restart NetworkManager. ".repeat(8);

const dirs = runsDir();
const calls = [
  ...ladderCalls({ models: MODELS, suites: SUITES, devices: ["bench-box"], repetitions: 4999, seed: 1 }),
];
for (const call of calls) call.output = { raw: RAW, final: RAW, analysis: null };
const run = dirs.run("run", jsonl(calls));
const file = `${run}/calls.jsonl`;
console.log(
  `${calls.length} call records, ${(Buffer.byteLength(jsonl(calls.slice(0, 1000))) / 1000).toFixed(0)} bytes per line`,
);

async function baseline(): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(`
    SELECT model, suite, device, count(*) AS n, median(latency_ms) AS latency
    FROM read_json('${file}', format = 'newline_delimited') GROUP BY ALL`);
  const groups = reader.getRowObjectsJS().length;
  connection.closeSync();
  instance.closeSync();
  return groups;
}

const timings: Record<string, number[]> = { baseline: [], check: [], report: [], html: [] };
async function timed(name: string, fn: () => Promise<unknown>): Promise<unknown> {
  const start = performance.now();
  const result = await fn();
  timings[name]?.push(performance.now() - start);
  return result;
}

let html = "";
for (let round = 0; round < ROUNDS; round++) {
  const groups = await timed("baseline", baseline);
  await timed("check", () => checkRunFiles(resolveRunFiles([run])));
  const text = (await timed("report", async () => benchReportText(await benchReport([run])))) as string;
  html = (await timed("html", async () => benchReportHtml(await benchReport([run])))) as string;
  if (round === 0)
    console.log(
      `${groups} groups; report text ${text.length} chars, HTML ${(html.length / 1024).toFixed(0)} KiB`,
    );
}
writeFileSync(`${dirs.root}/report.html`, html);

const base = median(timings.baseline as number[]);
console.log(`\nmedians of ${ROUNDS} interleaved rounds, ${calls.length} lines:`);
for (const [name, label] of [
  ["baseline", "baseline: DuckDB bare read_json + GROUP BY (count, median)"],
  ["check", "  of the report: checking every line"],
  ["report", "bench report (terminal text)"],
  ["html", "bench report --html (charts drawn)"],
] as const) {
  const ms = median(timings[name] as number[]);
  console.log(`${label.padEnd(60)} ${ms.toFixed(0).padStart(6)} ms  ×${(ms / base).toFixed(2)} baseline`);
}
const report = median(timings.report as number[]);
console.log(
  `\ngoal ≤ 2000 ms for the report: ${report <= 2000 ? "met" : "NOT met"} (${report.toFixed(0)} ms)`,
);
dirs.remove();
