/**
 * `overtone bench report` as a library call: check the run files, load them into DuckDB, compute the groups, the
 * comparison and the warnings, and give back what the CLI prints or writes (text, JSON, HTML). The HTML is only
 * drawn when asked for, since it loads vega.
 */
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
  // DuckDB reads and groups the files on its own threads while this thread checks every line: the check's error
  // (file, line, field) wins over whatever DuckDB makes of the same broken line, and a clean run pays for the
  // slower of the two rather than their sum.
  const computing = loadRunFiles(files)
    .then(async (db) => {
      try {
        return await reportData(
          db.connection,
          files.map((f) => f.calls),
          options,
        );
      } finally {
        db.close();
      }
    })
    .then(
      (data) => ({ data }),
      (error: unknown) => ({ error }),
    );
  try {
    await checkRunFiles(files);
  } finally {
    // Never leave the DuckDB work running behind a thrown check error.
    await computing;
  }
  const computed = await computing;
  if ("error" in computed) throw computed.error;
  return { data: computed.data, warnings: reportWarnings(computed.data) };
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
