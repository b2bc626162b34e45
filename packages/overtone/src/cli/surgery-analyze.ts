/**
 * `overtone surgery analyze DIRECTIONS.gguf [--a FILE --b FILE] [--plot FILE.svg|png|html] [--json]`: the
 * per-block metrics of a measured direction (surgery/analyze.ts) as a table, the block with the best quality,
 * what is true by construction, a warning when a prompt set changed since measuring, and a line plot of quality,
 * SNR, purity and separation per block rendered with vega (the data agent's chart renderer).
 */
import type { Command } from "commander";
import type { JsonValue, QueryResult } from "../data/index.js";
import { chartFormat, renderChart } from "../data-agent/chart.js";
import { type Analysis, analyze } from "../surgery/analyze.js";
import { table } from "./format.js";
import { writeFileAtomically, writeOut } from "./io.js";

interface AnalyzeFlags {
  a?: string;
  b?: string;
  plot?: string;
  json?: boolean;
}

export function registerSurgeryAnalyze(surgery: Command): void {
  surgery
    .command("analyze")
    .description("per-block quality of a measured direction: cosines, SNR, purity, quality, separation")
    .argument("<directions>", "the directions file `surgery measure` wrote")
    .option("--a <jsonl>", "prompt set a again: warns when it changed since measuring")
    .option("--b <jsonl>", "prompt set b again")
    .option("--plot <file>", "a line plot of the metrics per block (.svg, .png or .html)")
    .option("--json", "print the analysis as JSON")
    .action(async (directions: string, flags: AnalyzeFlags) => {
      const format = flags.plot === undefined ? undefined : chartFormat(flags.plot);
      const result = await analyze(directions, {
        ...(flags.a !== undefined ? { a: flags.a } : {}),
        ...(flags.b !== undefined ? { b: flags.b } : {}),
      });
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (flags.plot !== undefined && format !== undefined) {
        await writeFileAtomically(flags.plot, await renderChart(PLOT, plotRows(result), format), "--plot");
      }
      await writeOut(flags.json ? `${JSON.stringify(result)}\n` : text(result, flags.plot));
    });
}

const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(3));

function text(result: Analysis, plot: string | undefined): string {
  const rows = result.layers.map((l) => [
    String(l.block),
    f(l.cosMeans),
    f(l.cosAG),
    f(l.cosBG),
    f(l.snr),
    f(l.purity),
    f(l.quality),
    f(l.separation),
    f(l.rotation),
  ]);
  const header = [
    "block",
    "cos(a,b)",
    "cos(a,g)",
    "cos(b,g)",
    "SNR",
    "purity",
    "quality",
    "separation",
    "rotation",
  ];
  const lines = [
    table([header, ...rows]),
    `best quality: block ${result.best} (g = mean_a − mean_b; separation = ‖g‖ in units of the sets' spread)`,
    ...result.byConstruction.map((b) => `by construction: ${b}`),
    ...(plot !== undefined ? [`plot: ${plot}`] : []),
  ];
  return `${lines.join("\n")}\n`;
}

const PLOT: Record<string, JsonValue> = {
  title: "direction quality per block",
  mark: { type: "line", point: true },
  encoding: {
    x: { field: "block", type: "quantitative", title: "block" },
    y: { field: "value", type: "quantitative" },
    color: { field: "metric", type: "nominal" },
  },
  width: 480,
  height: 240,
};

/** The metrics in long form, one row per (block, metric), for vega. */
function plotRows(result: Analysis): QueryResult {
  const rows: JsonValue[][] = [];
  for (const l of result.layers) {
    for (const [metric, value] of [
      ["quality", l.quality],
      ["SNR", l.snr],
      ["purity", l.purity],
      ["separation", l.separation],
    ] as const) {
      if (Number.isFinite(value)) rows.push([l.block, metric, value]);
    }
  }
  return {
    columns: [
      { name: "block", type: "INTEGER" },
      { name: "metric", type: "VARCHAR" },
      { name: "value", type: "DOUBLE" },
    ],
    rows,
    truncated: false,
  };
}
