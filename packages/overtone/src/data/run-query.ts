/**
 * Running a gated query: the row cap and the wall-clock limit, and the result as typed, JSON-safe values.
 *
 * The row cap: the query runs as `SELECT * FROM (\n<sql>\n) LIMIT cap+1`, so DuckDB can plan a Top-N instead of
 * sorting a whole big file for `ORDER BY` without a LIMIT; the extra row says whether there were more. That text
 * is new, so it goes through the whole gate again (wrapping must not let `SELECT 1) ; DROP VIEW t; SELECT (1`
 * balance its parentheses into three statements). A query the wrapped form cannot express (one ending in `;`)
 * runs as the original prepared statement instead, streamed and read only up to cap + 1 rows: DuckDB produces a
 * streamed result chunk by chunk on demand, so `SELECT * FROM range(1e12)` stops after the first chunk either way.
 *
 * The time limit is a timer that calls `connection.interrupt()`: DuckDB stops the running query ("INTERRUPT Error")
 * and the connection stays usable. It covers the gate (binding a view re-sniffs a CSV) and the reading.
 */
import type { DuckDBConnection, DuckDBPreparedStatement } from "@duckdb/node-api";
import { type JsonValue, toJsonValue } from "./json-values.js";
import { failed, SqlError } from "./sql-error.js";
import { gate } from "./sql-gate.js";

/** A result column: its name and DuckDB type as SQL text (`BIGINT`, `DECIMAL(18,3)`, `VARCHAR[]`). */
export interface QueryColumn {
  name: string;
  type: string;
}

/** A query's result: at most the row cap's rows, and whether there were more. */
export interface QueryResult {
  columns: QueryColumn[];
  /** One array per row, values in column order (see json-values.ts for how each type comes out). */
  rows: JsonValue[][];
  /** True when the query had more rows than the cap and only the first `rows.length` are here. */
  truncated: boolean;
}

/** Whether the time limit has fired (then no fallback may start another statement). */
export interface Clock {
  timedOut: boolean;
}

/** Gates `sql`, then runs it capped at `rowCap` rows (wrapped in a LIMIT when it can be, see above). */
export async function runCapped(
  connection: DuckDBConnection,
  sql: string,
  tables: ReadonlySet<string>,
  rowCap: number,
  clock: Clock,
): Promise<QueryResult> {
  const prepared = await gate(connection, sql, tables);
  let limited: DuckDBPreparedStatement | undefined;
  try {
    limited = await gate(connection, `SELECT * FROM (\n${sql}\n) LIMIT ${rowCap + 1}`, tables);
  } catch (error) {
    if (clock.timedOut) {
      prepared.destroySync();
      throw error;
    }
  }
  if (limited !== undefined) prepared.destroySync();
  return readCapped(limited ?? prepared, rowCap);
}

/** Reads up to `rowCap` rows of `prepared` (a gated statement, destroyed afterwards). */
async function readCapped(prepared: DuckDBPreparedStatement, rowCap: number): Promise<QueryResult> {
  try {
    const reader = await prepared.streamAndReadUntil(rowCap + 1);
    const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
    const rows = reader.convertRows(toJsonValue) as JsonValue[][];
    return { columns, rows: rows.slice(0, rowCap), truncated: rows.length > rowCap };
  } finally {
    prepared.destroySync();
  }
}

/**
 * Runs `work` (gating and reading one query on `connection`) under a time limit: past `timeoutMs` the
 * connection is interrupted and the query ends with a SqlError `timeout`; a DuckDB error ends it as `failed`.
 */
export async function withTimeLimit<T>(
  connection: DuckDBConnection,
  sql: string,
  timeoutMs: number,
  work: (clock: Clock) => Promise<T>,
): Promise<T> {
  const clock: Clock = { timedOut: false };
  const timer = setTimeout(() => {
    clock.timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    return await work(clock);
  } catch (error) {
    if (clock.timedOut) {
      throw new SqlError(`the query ran longer than ${seconds(timeoutMs)} and was stopped`, {
        reason: "timeout",
        sql,
        hint: "make it cheaper: filter first, aggregate, avoid cross joins; or allow more time",
        cause: error,
      });
    }
    if (error instanceof SqlError) throw error;
    throw failed(sql, error, "failed");
  } finally {
    clearTimeout(timer);
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
