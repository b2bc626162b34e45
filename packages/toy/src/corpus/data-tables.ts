/**
 * Random tables for the corpus's data-agent examples, and the exact text the data agent's sandbox writes about
 * them (overtone's data/describe-tables.ts `describeText`: DuckDB's column types, the row count, three sample rows
 * as CSV). The corpus cannot run DuckDB, so it writes that text itself; test/data-agent/toy-corpus-prompt.test.ts
 * loads the same table into the real sandbox and checks both texts, and every query result, are identical.
 *
 * Numbers are kept as whole multiples of 10^-decimals (integer `units`), so sums, averages and rounding are exact
 * integer arithmetic, the same on every platform.
 */
import type { SeededRandom } from "@overtone/makers";
import { DATA_TABLE_KINDS, type TableKind } from "./data-pools.js";
import { chance, intBetween, pick, sample } from "./random-choice.js";

export interface DataColumn {
  name: string;
  type: "id" | "category" | "number" | "date";
  /** Numbers: decimals in the CSV (0 → DuckDB BIGINT, more → DOUBLE). */
  decimals?: number;
}

export interface DataTable {
  name: string;
  /** The plural noun for the rows ("orders"). */
  noun: string;
  columns: DataColumn[];
  /** Values by column name: numbers in units of 10^-decimals, the rest as text. */
  rows: Record<string, string | number>[];
}

const SAMPLE_ROWS = 3;

/**
 * A table like the evaluation's (an id, 1–2 categories, 1–2 numbers, maybe a date, 12–40 rows), but a quarter of
 * them borrow a category from another kind of table: the toy must read the column names, not the kind.
 */
export function randomDataTable(rng: SeededRandom, cover: Map<string, number> = new Map()): DataTable {
  const kind = pick(rng, DATA_TABLE_KINDS);
  let pools = sample(rng, kind.categories, intBetween(rng, 1, 2));
  if (chance(rng, 0.25)) {
    const other = pick(rng, DATA_TABLE_KINDS.filter((k) => k !== kind) as TableKind[]);
    pools = [...pools.slice(0, 1), pick(rng, other.categories)];
  }
  const categories = pools.map((c) => ({
    name: pick(rng, c.names),
    values: sample(rng, c.values, intBetween(rng, 3, Math.min(6, c.values.length))),
  }));
  const numbers = sample(rng, kind.numbers, intBetween(rng, 1, 2)).map((n) => ({
    ...n,
    name: pick(rng, n.names),
  }));
  const date = chance(rng, 0.5) ? kind.date : undefined;
  const idName = pick(rng, ["id", `${kind.singular}_id`]);
  const columns: DataColumn[] = [
    { name: idName, type: "id" },
    ...categories.map((c) => ({ name: c.name, type: "category" as const })),
    ...numbers.map((n) => ({ name: n.name, type: "number" as const, decimals: n.decimals })),
    ...(date !== undefined ? [{ name: date, type: "date" as const }] : []),
  ];
  // Skewed category weights (integers 1–5), so groups differ in size and winners are rarely tied.
  const weights = categories.map((c) => c.values.map(() => intBetween(rng, 1, 5)));
  const rows = Array.from({ length: intBetween(rng, 12, 40) }, (_, i) => {
    const row: Record<string, string | number> = { [idName]: i + 1 };
    categories.forEach((c, k) => {
      row[c.name] = weighted(rng, c.values, weights[k] as number[]);
    });
    for (const n of numbers) {
      const scale = 10 ** n.decimals;
      const [low, high] = [Math.round(n.min * scale), Math.round(n.max * scale)];
      row[n.name] = i < SAMPLE_ROWS ? coveringUnits(rng, cover, n, low, high) : intBetween(rng, low, high);
    }
    if (date !== undefined) {
      const day = new Date(Date.UTC(2024, 0, 1) + intBetween(rng, 0, 364) * 86_400_000);
      row[date] = day.toISOString().slice(0, 10);
    }
    return row;
  });
  return { name: pick(rng, kind.names), noun: kind.noun, columns, rows };
}

/**
 * A sample row's number whose whole part walks through the pool's range, one step per use: every whole number a
 * pool can show (851 in "851.23") then occurs in some training prompt, which random draws left to chance (the
 * toy can never write a token it was not trained on). `cover` counts uses per pool, for one corpus stream.
 */
function coveringUnits(
  rng: SeededRandom,
  cover: Map<string, number>,
  pool: { names: readonly string[]; min: number; max: number; decimals: number },
  low: number,
  high: number,
): number {
  const key = pool.names.join("|");
  const step = cover.get(key) ?? 0;
  cover.set(key, step + 1);
  const scale = 10 ** pool.decimals;
  const first = Math.ceil(pool.min);
  const whole = first + (step % (Math.floor(pool.max) - first + 1));
  return Math.min(high, Math.max(low, whole * scale + intBetween(rng, 0, scale - 1)));
}

function weighted(rng: SeededRandom, values: readonly string[], weights: readonly number[]): string {
  let at = rng.nextU32() % weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < values.length; i++) {
    at -= weights[i] as number;
    if (at < 0) return values[i] as string;
  }
  return values[values.length - 1] as string;
}

/** A number in units of 10^-decimals as JSON writes the DuckDB value (12.50 → 12.5). */
export function unitsNumber(units: number, decimals: number): number {
  return Number((units / 10 ** decimals).toFixed(decimals));
}

/** A cell as the CSV file holds it. */
function csvText(column: DataColumn, value: string | number): string {
  return column.type === "number"
    ? ((value as number) / 10 ** (column.decimals ?? 0)).toFixed(column.decimals ?? 0)
    : String(value);
}

export function dataTableCsv(table: DataTable): string {
  const lines = [table.columns.map((c) => c.name).join(",")];
  for (const row of table.rows)
    lines.push(table.columns.map((c) => csvText(c, row[c.name] as string | number)).join(","));
  return `${lines.join("\n")}\n`;
}

const DUCKDB_TYPE = { id: "BIGINT", category: "VARCHAR", date: "DATE" } as const;

function duckdbType(column: DataColumn): string {
  if (column.type === "number") return (column.decimals ?? 0) === 0 ? "BIGINT" : "DOUBLE";
  return DUCKDB_TYPE[column.type];
}

/** A sample cell as the sandbox writes it: DuckDB's value through JSON (a DOUBLE loses trailing zeros). */
function sampleText(column: DataColumn, value: string | number): string {
  return column.type === "number"
    ? String(unitsNumber(value as number, column.decimals ?? 0))
    : String(value);
}

/** What the sandbox's `describe()` says about this table read from `<name>.csv`. */
export function describeDataTable(table: DataTable): string {
  const sample = table.rows.slice(0, SAMPLE_ROWS);
  const count = table.rows.length;
  return [
    `Table ${table.name} (${count} row${count === 1 ? "" : "s"}, from ${table.name}.csv)`,
    `Columns: ${table.columns.map((c) => `${c.name} ${duckdbType(c)}`).join(", ")}`,
    `First ${sample.length === 1 ? "row" : `${sample.length} rows`} (CSV):`,
    table.columns.map((c) => c.name).join(","),
    ...sample.map((row) => table.columns.map((c) => sampleText(c, row[c.name] as string | number)).join(",")),
  ].join("\n");
}
