/**
 * `overtone bench report RUN_DIR_OR_JSONL… [--html FILE] [--json]`: the ladder's numbers from its call records
 * (bench/): aligned tables and warnings on the terminal, one JSON document with --json, and with --html one
 * self-contained page (charts inline, no network needed to open it), written atomically.
 */
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import { benchReport, benchReportHtml, benchReportJson, benchReportText } from "../bench/index.js";
import { positiveInt } from "./flag-values.js";
import { checkWritable, writeFileAtomically, writeOut } from "./io.js";

interface ReportFlags {
  html?: string;
  json?: boolean;
  includeWarmup?: boolean;
  seed: string;
  resamples: string;
}

export function registerBenchReport(bench: Command): void {
  bench
    .command("report")
    .description(
      "medians, p90 and bootstrap intervals per model × suite × device from ladder runs, with warnings; a terminal table, --json, or a self-contained --html page",
    )
    .argument(
      "<runs...>",
      "run directories (holding calls.jsonl, and ratings.jsonl if rated) or calls JSONL files",
    )
    .option("--html <file>", "also write the report as one self-contained HTML page with charts")
    .option("--json", "write the numbers and warnings as one JSON document instead of the tables")
    .option("--include-warmup", "count warm-up calls in the statistics (left out by default)")
    .option("--seed <n>", "seed of the bootstrap resampling (the same seed gives the same intervals)", "1")
    .option("--resamples <n>", "bootstrap resamples per interval", "1000")
    .action(async (runs: string[], flags: ReportFlags) => {
      if (flags.html !== undefined) {
        if (!/\.html?$/i.test(flags.html)) {
          throw new InputError(`--html ${flags.html}: the report file ends in .html`, {
            where: "--html",
            hint: "e.g. --html ladder-report.html",
          });
        }
        await checkWritable(flags.html, "--html");
      }
      const report = await benchReport(runs, {
        includeWarmup: flags.includeWarmup === true,
        seed: nonNegativeInt("--seed", flags.seed),
        resamples: positiveInt("--resamples", flags.resamples),
      });
      if (flags.html !== undefined)
        await writeFileAtomically(flags.html, await benchReportHtml(report), "--html");
      await writeOut(flags.json ? benchReportJson(report) : benchReportText(report));
      if (flags.html !== undefined && !flags.json) process.stderr.write(`wrote ${flags.html}\n`);
    });
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError(`${flag}: expected a whole number ≥ 0, found ${JSON.stringify(value)}`, {
      where: flag,
      hint: `e.g. ${flag} 1`,
    });
  }
  return n;
}
