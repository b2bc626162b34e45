/**
 * The trusted load phase (bench-and-agent.md B6 step 1): every data file becomes a VIEW over DuckDB's reader for
 * it, created by us before the lockdown. A view, not a table: a 1 GB CSV is then read only by the queries that
 * need it (DuckDB streams it, in parallel), instead of being copied into memory first and held there — the
 * issue's "not loaded twice". The cost is that the lockdown must leave these exact files readable
 * (`allowed_paths`, lockdown.ts), and that DuckDB re-sniffs a CSV's dialect when a query binds the view (a sample
 * from the file's start: milliseconds, not a read of the file).
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
    try {
      await connection.run(`CREATE VIEW ${quoteIdentifier(file.table)} AS FROM ${readerSql(file)}`);
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

/** The first line of an error's message (DuckDB appends context lines a one-line report does not need). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() ?? message;
}
