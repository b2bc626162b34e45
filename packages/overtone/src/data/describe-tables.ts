/**
 * What the model is told about the data (its task context): per table, the columns with DuckDB's types, how many
 * rows, and three sample rows — the equivalent of PandasAI's `<table … columns=… dimensions=…>` plus a CSV head.
 *
 * Row counts, cheaply: Parquet's is exact from its footer (`parquet_file_metadata`); a CSV or JSON file up to
 * EXACT_COUNT_BYTES is counted (`count(*)`, a fraction of a second); a bigger one gets an estimate from the line
 * density of three samples of it, marked as such, so describing a 1 GB CSV costs about what DuckDB's own DESCRIBE costs
 * (the dialect sniff) instead of a full read.
 */
import { open } from "node:fs/promises";
import { basename } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type JsonValue, toJsonValue } from "./json-values.js";
import { type DataFile, type FileFormat, quoteIdentifier, quoteLiteral } from "./table-names.js";

/** Files up to this size are counted exactly. */
export const EXACT_COUNT_BYTES = 64 * 1024 * 1024;
/** Bytes read from each of three places in a bigger file to estimate its rows. */
const ESTIMATE_WINDOW_BYTES = 256 * 1024;
const SAMPLE_ROWS = 3;
/** Sample text longer than this is cut (a long free-text cell would crowd out the schema). */
const MAX_CELL_CHARS = 200;

export interface ColumnDescription {
  name: string;
  /** DuckDB's type as SQL text. */
  type: string;
}

export interface TableDescription {
  /** The table's name, as queries write it (quoted when it is an SQL keyword, e.g. `"order"`). */
  name: string;
  /** The file it reads, as the user named it. */
  file: string;
  format: FileFormat;
  columns: ColumnDescription[];
  rowCount: number;
  /** False when rowCount is an estimate (a big CSV or JSON file). */
  rowCountExact: boolean;
  /** The first rows, JSON-safe. */
  sample: JsonValue[][];
}

/** Describes each file's table (in the trusted phase: our own SQL, on our connection). */
export async function describeTables(
  connection: DuckDBConnection,
  files: readonly DataFile[],
  sizes: ReadonlyMap<string, number>,
): Promise<TableDescription[]> {
  const reserved = await reservedWords(connection);
  const tables: TableDescription[] = [];
  for (const file of files) {
    const table = quoteIdentifier(file.table);
    const reader = await connection.runAndReadAll(`FROM ${table} LIMIT ${SAMPLE_ROWS}`);
    const columns = reader.columnNames().map((name, i) => ({
      name: sqlName(name, reserved),
      type: reader.columnType(i).toString(),
    }));
    const sample = reader.convertRows(toJsonValue) as JsonValue[][];
    const count = await rowCount(connection, file, sizes.get(file.absolutePath) ?? 0);
    tables.push({
      name: sqlName(file.table, reserved),
      file: file.path,
      format: file.format,
      columns,
      ...count,
      sample,
    });
  }
  return tables;
}

/** The compact text for a prompt: one block per table. */
export function describeText(tables: readonly TableDescription[]): string {
  return tables
    .map((t) => {
      const rows = `${t.rowCountExact ? "" : "about "}${t.rowCount.toLocaleString("en-US")} row${t.rowCount === 1 ? "" : "s"}`;
      const lines = [
        // The file's name only: its folders say nothing about the data, and the prompt may go to a remote model.
        `Table ${t.name} (${rows}, from ${basename(t.file)})`,
        `Columns: ${t.columns.map((c) => `${c.name} ${c.type}`).join(", ")}`,
      ];
      if (t.sample.length > 0) {
        lines.push(`First ${t.sample.length === 1 ? "row" : `${t.sample.length} rows`} (CSV):`);
        lines.push(t.columns.map((c) => csvCell(c.name)).join(","));
        for (const row of t.sample) lines.push(row.map(csvCell).join(","));
      }
      return lines.join("\n");
    })
    .join("\n\n");
}

async function rowCount(
  connection: DuckDBConnection,
  file: DataFile,
  size: number,
): Promise<{ rowCount: number; rowCountExact: boolean }> {
  const count = async (sql: string) => {
    const reader = await connection.runAndReadAll(sql);
    return Number(reader.getRows()[0]?.[0] ?? 0);
  };
  if (file.format === "parquet") {
    const rows = await count(
      `SELECT sum(num_rows) FROM parquet_file_metadata(${quoteLiteral(file.absolutePath)})`,
    );
    return { rowCount: rows, rowCountExact: true };
  }
  const compressed = file.absolutePath.toLowerCase().endsWith(".gz");
  if (size <= EXACT_COUNT_BYTES || compressed) {
    return {
      rowCount: await count(`SELECT count(*) FROM ${quoteIdentifier(file.table)}`),
      rowCountExact: true,
    };
  }
  return { rowCount: await estimateLines(file, size), rowCountExact: false };
}

/**
 * Lines in a big text file, from the newlines in three windows (start, middle, end): rows often grow along a file
 * (ids, dates), so the start alone overestimates. Minus a CSV's header line.
 */
async function estimateLines(file: DataFile, size: number): Promise<number> {
  const handle = await open(file.absolutePath, "r");
  try {
    const window = Math.min(ESTIMATE_WINDOW_BYTES, size);
    const buffer = Buffer.alloc(window);
    let bytes = 0;
    let newlines = 0;
    for (const at of [0, Math.floor((size - window) / 2), size - window]) {
      const { bytesRead } = await handle.read(buffer, 0, window, at);
      bytes += bytesRead;
      for (let i = buffer.indexOf(0x0a); i !== -1 && i < bytesRead; i = buffer.indexOf(0x0a, i + 1))
        newlines++;
    }
    if (newlines === 0) return 0;
    const lines = Math.round((size * newlines) / bytes);
    return Math.max(0, file.format === "csv" ? lines - 1 : lines);
  } finally {
    await handle.close();
  }
}

async function reservedWords(connection: DuckDBConnection): Promise<ReadonlySet<string>> {
  const reader = await connection.runAndReadAll(
    "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved'",
  );
  return new Set(reader.getRows().map((row) => String(row[0]).toLowerCase()));
}

/** `name` as a query must write it: bare when it is a plain identifier and no reserved word, else quoted. */
function sqlName(name: string, reserved: ReadonlySet<string>): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !reserved.has(name.toLowerCase())
    ? name
    : quoteIdentifier(name);
}

function csvCell(value: JsonValue): string {
  if (value === null) return "";
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (text.length > MAX_CELL_CHARS) text = `${text.slice(0, MAX_CELL_CHARS)}…`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
