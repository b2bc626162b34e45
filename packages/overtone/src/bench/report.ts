/**
 * `overtone bench report` as a library call: check the run files, load them into DuckDB, compute the groups, the
 * comparison and the warnings, and give back what the CLI prints or writes (text, JSON, HTML). The HTML is only
 * drawn when asked for, since it loads vega.
 */
import { randomBytes } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";
import { fileSystemError } from "@overtone/errors";
import { checkRunFiles, loadRunFiles, resolveRunFiles } from "./load-calls.js";
import { reportCharts } from "./report-charts.js";
import { type ReportData, type ReportOptions, reportData } from "./report-data.js";
import { reportHtml } from "./report-html.js";
import { reportText } from "./report-text.js";
import { type ReportWarning, reportWarnings } from "./report-warnings.js";

export interface BenchReport {
  data: ReportData;
  warnings: ReportWarning[];
}

/** Reads run directories or calls JSONL files (a CallRecordError / RatingLineError names a broken line). */
export async function benchReport(
  paths: readonly string[],
  options: ReportOptions = {},
): Promise<BenchReport> {
  const files = resolveRunFiles(paths);
  await checkRunFiles(files);
  const db = await loadRunFiles(files);
  try {
    const data = await reportData(
      db.connection,
      files.map((f) => f.calls),
      options,
    );
    return { data, warnings: reportWarnings(data) };
  } finally {
    db.close();
  }
}

/** The terminal tables and warnings (≤ 100 columns). */
export function benchReportText(report: BenchReport): string {
  return reportText(report.data, report.warnings);
}

/** The report as one JSON document: the numbers and the warnings. */
export function benchReportJson(report: BenchReport): string {
  return `${JSON.stringify({ ...report.data, warnings: report.warnings }, null, 2)}\n`;
}

/** The self-contained HTML page, charts drawn now. */
export async function benchReportHtml(report: BenchReport): Promise<string> {
  return reportHtml(report.data, report.warnings, await reportCharts(report.data));
}

/** Writes through a temporary name and a rename: a reader (or a crash) never meets half a report. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw fileSystemError(error, path, "write");
  }
}
