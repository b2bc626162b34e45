/**
 * `overtone data query FILES… "SQL"`: one SQL query over data files, through the same sandbox the data agent
 * uses (data/), so a person can try what the model would run and tests can drive the sandbox end to end. The
 * result is a table on a terminal, or one JSON object with `--json`; a refused or failing query is one line on
 * stderr and exit code 1 (main.ts reports the SqlError).
 */
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import { type JsonValue, openSandbox, type QueryResult, SqlError } from "../data/index.js";
import { positiveInt } from "./flag-values.js";
import { table } from "./format.js";
import { writeOut } from "./io.js";

interface QueryFlags {
  json?: boolean;
  maxRows: string;
  timeout: string;
}

/** Rows shown by default: a screenful or two; the sandbox's own cap is higher, for the agent. */
const DEFAULT_MAX_ROWS = "100";
const DEFAULT_TIMEOUT_S = "30";

export function registerDataQuery(data: Command): void {
  data
    .command("query")
    .description(
      'run one SQL SELECT over data files; each file is a table named after it (sales.csv → sales): data query sales.csv "SELECT count(*) FROM sales"',
    )
    .argument("<files-and-sql...>", "CSV, Parquet or JSON files, then the SQL query (the last argument)")
    .option("--json", "write one JSON object: columns (name, type), rows (arrays), truncated")
    .option("--max-rows <n>", "rows returned at most; more are cut and said so", DEFAULT_MAX_ROWS)
    .option("--timeout <seconds>", "stop a query that runs longer than this", DEFAULT_TIMEOUT_S)
    .action(async (operands: string[], flags: QueryFlags) => {
      if (operands.length < 2) {
        throw new InputError("give the data files and then the SQL query", {
          where: "overtone data query",
          hint: 'e.g. overtone data query sales.csv "SELECT count(*) FROM sales"',
        });
      }
      const files = operands.slice(0, -1);
      const sql = operands.at(-1) as string;
      const sandbox = await openSandbox(files, {
        rowCap: positiveInt("--max-rows", flags.maxRows),
        timeoutMs: Math.round(seconds("--timeout", flags.timeout) * 1000),
      });
      try {
        const result = await sandbox.query(sql).catch((error: unknown) => {
          throw error instanceof SqlError && error.reason === "timeout" ? withTimeoutFlag(error) : error;
        });
        await writeOut(flags.json ? `${JSON.stringify(result)}\n` : tableText(result));
      } finally {
        sandbox.close();
      }
    });
}

/** The result as an aligned table with a header, a rule, and a `(N rows)` footer that says when rows were cut. */
export function tableText(result: QueryResult): string {
  const header = result.columns.map((c) => c.name);
  const rows = result.rows.map((row) => row.map(cellText));
  const rule = header.map((_, i) =>
    "-".repeat(Math.max(header[i]?.length ?? 0, ...rows.map((r) => r[i]?.length ?? 0))),
  );
  const count = `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}`;
  const footer = result.truncated
    ? `(first ${count}; the query has more: raise --max-rows, or aggregate)`
    : `(${count})`;
  return `${table([header, rule, ...rows])}\n${footer}\n`;
}

/** A value as one line of text: NULL for null, JSON for lists and structs, line breaks shown as \n. */
function cellText(value: JsonValue): string {
  if (value === null) return "NULL";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/\r?\n/g, "\\n");
}

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InputError(`${flag}: expected a number of seconds above 0, found ${JSON.stringify(value)}`, {
      where: flag,
      hint: `e.g. ${flag} 30`,
    });
  }
  return n;
}

/** The library's timeout hint says "allow more time"; here that is a flag. */
function withTimeoutFlag(error: SqlError): SqlError {
  return new SqlError(error.message, {
    reason: error.reason,
    sql: error.sql,
    hint: "make it cheaper: filter first, aggregate, avoid cross joins; or raise --timeout",
    detail: error.detail,
    cause: error.cause,
  });
}
