/**
 * The trusted load phase (bench-and-agent.md B6 step 1): every data file becomes a VIEW over DuckDB's reader for
 * it, created by us before the lockdown. A view, not a table: a 1 GB CSV is then read only by the queries that
 * need it (DuckDB streams it, in parallel), instead of being copied into memory first and held there — the
 * issue's "not loaded twice". The cost is that the lockdown must leave these exact files readable
 * (`allowed_paths`, lockdown.ts). A CSV's view spells out the dialect and types DuckDB's sniffer found once
 * (sniffedCsvReader), so binding it does not sniff the file again.
 */
import { stat } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { fileSystemError, InputError } from "@overtone/errors";
import { type DataFile, type FileFormat, quoteIdentifier, quoteLiteral } from "./table-names.js";

/** DuckDB's table function for each format; each detects the dialect, header, types (and JSON's shape) itself. */
const READERS: Record<FileFormat, string> = {
  csv: "read_csv",
  parquet: "read_parquet",
  json: "read_json",
};

const FORMAT_NAMES: Record<FileFormat, string> = { csv: "CSV", parquet: "Parquet", json: "JSON" };

/** The reader call for `file`, as the SQL text a view is made of. */
export function readerSql(file: DataFile): string {
  return `${READERS[file.format]}(${quoteLiteral(file.absolutePath)})`;
}

/**
 * Checks each file is there and is a file (one line naming it otherwise), then creates its view. A file DuckDB
 * cannot read in its format fails here, with DuckDB's reason, not at the first question about it. Returns each
 * file's size in bytes, by absolute path.
 */
export async function createViews(
  connection: DuckDBConnection,
  files: readonly DataFile[],
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const file of files) {
    const info = await stat(file.absolutePath).catch((error: unknown) => {
      throw fileSystemError(error, file.path, "read");
    });
    if (!info.isFile()) {
      throw new InputError(`${file.path}: not a regular file`, {
        where: file.path,
        hint: "pass the path of a CSV, Parquet or JSON file",
      });
    }
    sizes.set(file.absolutePath, info.size);
    const view = (reader: string) =>
      connection.run(`CREATE VIEW ${quoteIdentifier(file.table)} AS FROM ${reader}`);
    try {
      const sniffed = file.format === "csv" ? await sniffedCsvReader(connection, file) : undefined;
      // A sniffed view that DuckDB will not take falls back to the auto-detecting one (and its error, if any).
      if (
        sniffed === undefined ||
        !(await view(sniffed).then(
          () => true,
          () => false,
        ))
      )
        await view(readerSql(file));
    } catch (error) {
      throw new InputError(
        `${file.path}: DuckDB cannot read it as ${FORMAT_NAMES[file.format]}: ${firstLine(error)}`,
        {
          where: file.path,
          hint: "check that the file's contents match its extension",
          cause: error,
        },
      );
    }
  }
  return sizes;
}

/**
 * A CSV reader with the dialect and column types spelled out, from one run of DuckDB's sniffer (`sniff_csv`):
 * a view over `read_csv(file)` re-sniffs the file each time a query binds it (the description's sample query,
 * then every question's query — on a 1 GB file ~50–100 ms each), while this one binds at once. The arguments are
 * those of the sniffer's own `Prompt`, rebuilt here with our quoting (column names come from the file's header).
 * Undefined when the sniffer cannot say (the auto-detecting reader then reports why).
 */
export async function sniffedCsvReader(
  connection: DuckDBConnection,
  file: DataFile,
): Promise<string | undefined> {
  const reader = await connection
    .runAndReadAll(
      `SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, HasHeader, Columns, DateFormat, TimestampFormat FROM sniff_csv(${quoteLiteral(file.absolutePath)})`,
    )
    .catch(() => undefined);
  const row = reader?.getRowsJson()[0];
  if (row === undefined) return undefined;
  const [delim, quote, escapeChar, newLine, comment, skip, header, columns, dateFormat, timestampFormat] =
    row;
  const text = (value: unknown) => quoteLiteral(value === "(empty)" ? "" : String(value));
  if (!Array.isArray(columns) || columns.length === 0) return undefined;
  const types = (columns as { name: string; type: string }[])
    .map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`)
    .join(", ");
  const options = [
    "auto_detect=false",
    `delim=${text(delim)}`,
    `quote=${text(quote)}`,
    `escape=${text(escapeChar)}`,
    `new_line=${text(newLine)}`,
    `skip=${Number(skip)}`,
    `comment=${text(comment)}`,
    `header=${header === true}`,
    `columns={${types}}`,
    ...(typeof dateFormat === "string" ? [`dateformat=${quoteLiteral(dateFormat)}`] : []),
    ...(typeof timestampFormat === "string" ? [`timestampformat=${quoteLiteral(timestampFormat)}`] : []),
  ];
  return `read_csv(${quoteLiteral(file.absolutePath)}, ${options.join(", ")})`;
}

/** The first line of an error's message (DuckDB appends context lines a one-line report does not need). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() ?? message;
}
