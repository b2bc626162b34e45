/**
 * `npm run bench:data`: the data agent on a ≥ 1 GB CSV and a Parquet of the same rows (issue 15 "Must show").
 * - Schema description: our sandbox (open: views, lockdown; describe: columns, types, sample rows, row count)
 *   against DuckDB's own `DESCRIBE` of the same file in a fresh instance, taking turns in the same run; the
 *   ratio of medians (goal ≤ 1.2×).
 * - Question to answer, split into prompt / model / SQL / rendering (the answer's text and JSON, and a chart:
 *   checking its spec and drawing SVG and PNG): on the embedded toy model (real llama.cpp;
 *   the toy writes no SQL yet, so its SQL time is 0) and on a scripted query call replayed through the agent
 *   (labelled: SQL we wrote, the real sandbox over the big files; rendering includes a chart to SVG and PNG).
 * - Peak RSS of this process.
 * Benches report; they never fail on time. The files are made once in os.tmpdir() and reused.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { AgentMemory } from "../packages/overtone/src/agent/index.js";
import type { Backend } from "../packages/overtone/src/backends/contract.js";
import { createEmbedded } from "../packages/overtone/src/backends/embedded/index.js";
import { answerJson, answerText } from "../packages/overtone/src/cli/data-agent-cli.js";
import { openSandbox } from "../packages/overtone/src/data/index.js";
import { DataAgent, type DataAnswer, renderChart } from "../packages/overtone/src/data-agent/index.js";
import { disposeEngineLlama } from "../packages/overtone/src/engine/index.js";
import { chartCall, finalAnswer, queryCall, ReplayBackend } from "../test/data-agent/replay-backend.js";
import { toyModelPath } from "../test/support/toy-model.js";
import { median } from "./engine-measure.js";

const DIR = join(tmpdir(), "overtone-bench-data");
const ROWS = 13_000_000;
const GB = 1e9;
const csv = join(DIR, "sales.csv");
const parquet = join(DIR, "sales.parquet");

async function makeFiles(): Promise<void> {
  if (existsSync(csv) && statSync(csv).size >= GB && existsSync(parquet)) return;
  mkdirSync(DIR, { recursive: true });
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const rows = `SELECT range AS order_id,
      ['France','Spain','Germany','Italy','Japan','Brazil'][range % 6 + 1] AS country,
      'product-' || (range % 1000) AS product,
      round((range % 10000) / 7.0, 2) AS amount,
      DATE '2020-01-01' + (range % 1500)::INTEGER AS ordered_on,
      md5(range::VARCHAR) AS ref
    FROM range(${ROWS})`;
  await connection.run(`COPY (${rows}) TO '${csv}' (HEADER)`);
  await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  console.log(`made the files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** DuckDB's own DESCRIBE of the file, in a fresh instance (as the sandbox opens one). */
async function duckdbDescribe(file: string): Promise<number> {
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`);
  connection.closeSync();
  instance.closeSync();
  return performance.now() - t0;
}

async function ourDescribe(file: string): Promise<number> {
  const t0 = performance.now();
  const sandbox = await openSandbox([file]);
  sandbox.describe();
  sandbox.close();
  return performance.now() - t0;
}

async function describeRow(label: string, file: string): Promise<void> {
  const ours: number[] = [];
  const theirs: number[] = [];
  await ourDescribe(file); // warm the page cache for both
  for (let i = 0; i < 9; i++) {
    theirs.push(await duckdbDescribe(file));
    ours.push(await ourDescribe(file));
  }
  const ratio = median(ours) / median(theirs);
  console.log(
    `${label.padEnd(8)} sandbox open+describe ${ms(median(ours))}, DuckDB DESCRIBE ${ms(median(theirs))}: ${ratio.toFixed(2)}× (goal ≤ 1.2×)`,
  );
}

/** One question through the agent; rendering = the terminal text, the JSON and (when drawn) SVG + PNG. */
async function questionRow(
  label: string,
  backend: Backend,
  files: string[],
  question: string,
): Promise<void> {
  const sandbox = await openSandbox(files);
  try {
    const agent = new DataAgent({
      backend,
      sandbox,
      memory: new AgentMemory(),
      date: false,
      maxTokens: 300,
      sampling: { temperature: 0 },
    });
    const answer: DataAnswer = await agent.ask(question);
    const t0 = performance.now();
    answerText(answer, true);
    answerJson(answer);
    if (answer.chart !== undefined && answer.result !== null) {
      await renderChart(answer.chart, answer.result, "svg");
      await renderChart(answer.chart, answer.result, "png");
    }
    const render = performance.now() - t0;
    const { promptMs, modelMs, sqlMs, chartMs } = answer.timings;
    console.log(
      `${label}: prompt ${ms(promptMs)}, model ${ms(modelMs)}, SQL ${ms(sqlMs)}, rendering ${ms(render + chartMs)}` +
        ` (${answer.steps.length} tool call${answer.steps.length === 1 ? "" : "s"}; answer: ${JSON.stringify(answer.answer.slice(0, 60))})`,
    );
  } finally {
    sandbox.close();
  }
}

await makeFiles();
console.log(
  `CSV ${(statSync(csv).size / GB).toFixed(2)} GB, Parquet ${(statSync(parquet).size / GB).toFixed(2)} GB, ${ROWS.toLocaleString("en-US")} rows`,
);

console.log("\n# schema description (median of 9, taking turns)");
await describeRow("CSV", csv);
await describeRow("Parquet", parquet);

console.log("\n# question → answer");
const toy = createEmbedded({ model: await toyModelPath(), threads: 1, contextSize: 4096 });
await toy.ready();
for (const [label, file] of [
  ["CSV", csv],
  ["Parquet", parquet],
] as const) {
  await questionRow(`toy model, ${label}`, toy, [file], "How many orders came from France?");
}
await toy.close();
await disposeEngineLlama();

const grouped = "SELECT country, sum(amount) AS total FROM sales GROUP BY country ORDER BY total DESC";
const spec = {
  mark: "bar",
  encoding: { x: { field: "country", type: "nominal" }, y: { field: "total", type: "quantitative" } },
};
for (const [label, file] of [
  ["CSV", csv],
  ["Parquet", parquet],
] as const) {
  // Scripted model output (no model runs): the SQL and the chart are ours; the sandbox and DuckDB are real.
  const replay = new ReplayBackend([queryCall(grouped), chartCall(spec), finalAnswer("France leads.")]);
  await questionRow(`scripted call (replay), ${label}`, replay, [file], "Plot the total amount per country");
}

console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
