/**
 * Overtone's data layer: user files (CSV, Parquet, JSON) as tables in a locked-down DuckDB, queried by
 * model-written SQL through a gate (one SELECT, allowlisted tables, row cap, time limit). `overtone data …` and
 * the data agent run every query through `openSandbox`.
 */
export type { ColumnDescription, TableDescription } from "./describe-tables.js";
export type { JsonValue } from "./json-values.js";
export type { QueryColumn, QueryResult } from "./run-query.js";
export {
  DEFAULT_ROW_CAP,
  DEFAULT_TIMEOUT_MS,
  openSandbox,
  type QueryOptions,
  type Sandbox,
  type SandboxOptions,
} from "./sandbox.js";
export { SqlError, type SqlErrorReason } from "./sql-error.js";
export { type FileFormat, tableName } from "./table-names.js";
