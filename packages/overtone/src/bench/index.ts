/**
 * The bench layer (issue 16): the call record every ladder call writes, and the report that reads the records.
 * Imports DuckDB, vega and the packages below; not cli/, gateway/ or data-agent/.
 */
export * from "./call-record.js";
export { CallRecordError, parseCallRecord } from "./call-record-check.js";
export { CALL_COLUMNS, checkRunFiles, loadRunFiles, type RunFile, resolveRunFiles } from "./load-calls.js";
export { parseRatings, type RatingLine, RatingLineError, ratingLineText } from "./ratings.js";
export {
  type BenchReport,
  benchReport,
  benchReportHtml,
  benchReportJson,
  benchReportText,
} from "./report.js";
export type { ComparisonRow, GroupStats, Metric, ReportData, ReportOptions, Spread } from "./report-data.js";
export { METRICS } from "./report-data.js";
export { type ReportWarning, reportWarnings, type WarningKind } from "./report-warnings.js";
export {
  bootstrapEstimates,
  bootstrapInterval,
  type Interval,
  type QuantileSummary,
  quantile,
  summarize,
} from "./statistics.js";
