/**
 * Which table a data file becomes: `sales.csv` → table `sales`, read by DuckDB's CSV reader. The model writes SQL
 * against these names, so they must be plain identifiers it can type (letters, digits, underscores), unique
 * (DuckDB compares names case-insensitively), and each file's reader must be known before anything is opened:
 * an unknown extension or two files with one name are the user's mistakes, reported with the fix.
 */
import { basename, resolve } from "node:path";
import { InputError } from "@overtone/errors";

/** The DuckDB reader a file goes through. */
export type FileFormat = "csv" | "parquet" | "json";

/** One file the sandbox reads, and the table it becomes. */
export interface DataFile {
  /** The path as the user gave it (for messages). */
  path: string;
  /** The absolute path DuckDB opens (and the only paths the lockdown lets it read). */
  absolutePath: string;
  /** The table name: lower case, [a-z0-9_], not starting with a digit. */
  table: string;
  format: FileFormat;
}

/** Known endings, longest first so `x.csv.gz` is not taken for a `.gz` file. DuckDB decompresses .gz itself. */
const ENDINGS: readonly [string, FileFormat][] = [
  [".csv.gz", "csv"],
  [".tsv.gz", "csv"],
  [".ndjson.gz", "json"],
  [".jsonl.gz", "json"],
  [".json.gz", "json"],
  [".csv", "csv"],
  [".tsv", "csv"],
  [".parquet", "parquet"],
  [".ndjson", "json"],
  [".jsonl", "json"],
  [".json", "json"],
];

const SUPPORTED = "csv, tsv, parquet, json, ndjson or jsonl; the text formats may be gzipped (.csv.gz)";

/**
 * Characters DuckDB's readers take as a glob pattern: a path holding one would read whatever files match it,
 * not the one the user named.
 */
const GLOB = /[*?[\]{}]/;

/** The table names and formats for `paths`, in order; throws an InputError for the first file that cannot be one. */
export function dataFiles(paths: readonly string[]): DataFile[] {
  if (paths.length === 0) {
    throw new InputError("no data files given", {
      where: "FILES",
      hint: "name one or more CSV, Parquet or JSON files",
    });
  }
  const byTable = new Map<string, DataFile>();
  for (const path of paths) {
    const file = dataFile(path);
    const earlier = byTable.get(file.table);
    if (earlier !== undefined) {
      throw new InputError(`${earlier.path} and ${path} would both become the table ${file.table}`, {
        where: path,
        hint: "each file becomes a table named after the file: rename or copy one of them",
      });
    }
    byTable.set(file.table, file);
  }
  return [...byTable.values()];
}

function dataFile(path: string): DataFile {
  const name = basename(path);
  const lower = name.toLowerCase();
  const ending = ENDINGS.find(([end]) => lower.endsWith(end) && lower.length > end.length);
  if (ending === undefined) {
    throw new InputError(`${path}: not a data file this command reads`, {
      where: path,
      hint: `use a file ending in ${SUPPORTED}`,
    });
  }
  const absolutePath = resolve(path);
  if (GLOB.test(absolutePath)) {
    throw new InputError(`${path}: the path contains a glob character (* ? [ ] { })`, {
      where: path,
      hint: "DuckDB would read every file the pattern matches: rename the file or its folder, or copy it",
    });
  }
  return { path, absolutePath, table: tableName(name.slice(0, -ending[0].length)), format: ending[1] };
}

/**
 * `Sales 2024-Q1` → `sales_2024_q1`: anything but a letter, digit or underscore becomes `_` (runs collapse, ends
 * are trimmed), lower case because DuckDB's names are case-insensitive anyway, and `t_` before a leading digit (`t`
 * for nothing left) so the name is an identifier without quotes.
 */
export function tableName(stem: string): string {
  const name = stem
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
  if (name === "") return "t";
  return /^[0-9]/.test(name) ? `t_${name}` : name;
}

/** `name` as a quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as a SQL string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
