/**
 * Held-out cases for the data agent's evaluation (issue 15, Must show (a)): seeded random tables written as CSV,
 * and questions in the families the toy is to learn — count, an aggregate (sum/avg/min/max) of a column, a count
 * filtered on a value, group by one column (which value has the most rows or the highest total), and top-n.
 *
 * Each case's expected value is computed here from the generated rows, never by DuckDB, so a right answer is
 * checked independently of the SQL it came from (test/data-agent/eval-cases.test.ts cross-checks this code
 * against DuckDB through the real sandbox). Questions are drawn so their answer is unique: no ties for a group's
 * winner or at a top-n's cut. The rules that judge a final answer are in data-agent-matches.ts.
 *
 * It lives in bench/, not the library: it is evaluation data, not an API; the toy's training corpus (packages/toy)
 * must draw its own tables, so these stay held out.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "../packages/makers/src/index.js";
import { type Expected, expectedText } from "./data-agent-matches.js";
import { TABLE_KINDS } from "./data-agent-pools.js";

export const FAMILIES = ["count", "aggregate", "filter", "group", "top-n"] as const;
export type Family = (typeof FAMILIES)[number];

export interface Column {
  name: string;
  type: "id" | "category" | "number" | "date";
  /** Numbers: decimals written to the CSV (every value is a multiple of 10^-decimals). */
  decimals?: number;
}

export interface Table {
  name: string;
  /** The plural noun a question uses for the rows ("orders", "trips"). */
  noun: string;
  columns: Column[];
  /** Values by column name; numbers as numbers, the rest as text. */
  rows: Record<string, string | number>[];
}

export interface EvalCase {
  family: Family;
  /** What the question asks for in a word (sum, avg, most-rows, …), for the report. */
  detail: string;
  question: string;
  table: Table;
  /** The columns (and value, n) the question is about, for a reference query written by hand (the tests). */
  about: { column?: string; category?: string; measure?: string; value?: string; n?: number };
  expected: Expected;
}

/** A dataset: one table, its CSV file, and one question per family. */
export interface EvalDataset {
  table: Table;
  file: string;
  cases: EvalCase[];
}

const pick = <T>(r: SeededRandom, items: readonly T[]): T => items[Math.floor(r.next() * items.length)] as T;
const int = (r: SeededRandom, lo: number, hi: number) => lo + Math.floor(r.next() * (hi - lo + 1));
function sample<T>(r: SeededRandom, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0)
    out.push(pool.splice(Math.floor(r.next() * pool.length), 1)[0] as T);
  return out;
}

/** A random table of one of the kinds in data-agent-pools.ts: an id, 1–2 categories, 1–2 numbers, maybe a date. */
export function randomTable(r: SeededRandom): Table {
  const kind = pick(r, TABLE_KINDS);
  const categories = sample(r, kind.categories, int(r, 1, 2)).map((c) => ({
    name: pick(r, c.names),
    values: sample(r, c.values, int(r, 3, Math.min(6, c.values.length))),
  }));
  const numbers = sample(r, kind.numbers, int(r, 1, 2)).map((n) => ({ ...n, name: pick(r, n.names) }));
  const date = r.next() < 0.5 ? kind.date : undefined;
  const idName = pick(r, ["id", `${kind.singular}_id`]);
  const columns: Column[] = [
    { name: idName, type: "id" },
    ...categories.map((c) => ({ name: c.name, type: "category" as const })),
    ...numbers.map((n) => ({ name: n.name, type: "number" as const, decimals: n.decimals })),
    ...(date !== undefined ? [{ name: date, type: "date" as const }] : []),
  ];
  // Skewed category weights, so groups differ in size (a uniform draw ties often).
  const weights = categories.map((c) => c.values.map(() => 0.2 + r.next()));
  const rows = Array.from({ length: int(r, 12, 40) }, (_, i) => {
    const row: Record<string, string | number> = { [idName]: i + 1 };
    categories.forEach((c, k) => {
      row[c.name] = weighted(r, c.values, weights[k] as number[]);
    });
    for (const n of numbers) {
      const scale = 10 ** n.decimals;
      row[n.name] = Math.round((n.min + r.next() * (n.max - n.min)) * scale) / scale;
    }
    if (date !== undefined) {
      const day = new Date(Date.UTC(2024, 0, 1) + int(r, 0, 364) * 86_400_000);
      row[date] = day.toISOString().slice(0, 10);
    }
    return row;
  });
  return { name: pick(r, kind.names), noun: kind.noun, columns, rows };
}

function weighted(r: SeededRandom, values: readonly string[], weights: readonly number[]): string {
  let x = r.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < values.length; i++) {
    x -= weights[i] as number;
    if (x < 0) return values[i] as string;
  }
  return values[values.length - 1] as string;
}

export function tableCsv(table: Table): string {
  const names = table.columns.map((c) => c.name);
  const cell = (c: Column, v: string | number) =>
    typeof v === "number" && c.decimals !== undefined ? v.toFixed(c.decimals) : String(v);
  const lines = table.rows.map((row) => table.columns.map((c) => cell(c, row[c.name] as string | number)));
  return `${[names, ...lines].map((l) => l.join(",")).join("\n")}\n`;
}

/** Sum of a column, exact: the values are whole multiples of 10^-decimals, added as integers. */
export function columnSum(table: Table, column: Column, rows = table.rows): number {
  const scale = 10 ** (column.decimals ?? 0);
  return rows.reduce((s, row) => s + Math.round((row[column.name] as number) * scale), 0) / scale;
}

/** Rows per value and total of `measure` per value of `category`, sorted by the chosen key, largest first. */
export function groupBy(table: Table, category: Column, measure?: Column): { value: string; key: number }[] {
  const groups = new Map<string, Record<string, string | number>[]>();
  for (const row of table.rows) {
    const v = row[category.name] as string;
    groups.set(v, [...(groups.get(v) ?? []), row]);
  }
  return [...groups]
    .map(([value, rows]) => ({
      value,
      key: measure === undefined ? rows.length : columnSum(table, measure, rows),
    }))
    .sort((a, b) => b.key - a.key);
}

/** Seeded: the same seed and count give the same tables, questions and expected values. */
export function generateDatasets(seed: number, count: number): Omit<EvalDataset, "file">[] {
  const r = new SeededRandom(seed, 0xda7a);
  const out: Omit<EvalDataset, "file">[] = [];
  while (out.length < count) {
    const table = randomTable(r);
    const cases = FAMILIES.map((family) => caseFor(r, table, family));
    // A table where some family has no tie-free question is drawn again.
    if (cases.every((c) => c !== undefined)) out.push({ table, cases: cases as EvalCase[] });
  }
  return out;
}

/** Writes each dataset's table as `<name>.csv` in its own temporary directory; `remove` deletes them all. */
export function writeDatasets(datasets: readonly Omit<EvalDataset, "file">[]): {
  datasets: EvalDataset[];
  remove(): void;
} {
  const dirs: string[] = [];
  const written = datasets.map((d) => {
    const dir = mkdtempSync(join(tmpdir(), "overtone-data-eval-"));
    dirs.push(dir);
    const file = join(dir, `${d.table.name}.csv`);
    writeFileSync(file, tableCsv(d.table));
    return { ...d, file };
  });
  return {
    datasets: written,
    remove: () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

function caseFor(r: SeededRandom, table: Table, family: Family): EvalCase | undefined {
  const cats = table.columns.filter((c) => c.type === "category");
  const nums = table.columns.filter((c) => c.type === "number");
  const { noun, name } = table;
  const make = (
    detail: string,
    question: string,
    about: EvalCase["about"],
    expected: Expected,
  ): EvalCase => ({
    family,
    detail,
    question,
    table,
    about,
    expected: { ...expected, text: expectedText(expected) },
  });
  switch (family) {
    case "count":
      return make(
        "rows",
        pick(r, [`How many ${noun} are there?`, `How many rows does ${name} have?`, `Count the ${noun}.`]),
        {},
        { kind: "number", value: table.rows.length },
      );
    case "aggregate": {
      const col = pick(r, nums);
      const op = pick(r, ["sum", "avg", "min", "max"] as const);
      const values = table.rows.map((row) => row[col.name] as number);
      const value =
        op === "sum"
          ? columnSum(table, col)
          : op === "avg"
            ? columnSum(table, col) / values.length
            : op === "min"
              ? Math.min(...values)
              : Math.max(...values);
      const words = { sum: "total", avg: "average", min: "lowest", max: "highest" }[op];
      return make(
        op,
        pick(r, [`What is the ${words} ${col.name}?`, `What is the ${words} ${col.name} of the ${noun}?`]),
        { column: col.name },
        {
          kind: "number",
          value,
        },
      );
    }
    case "filter": {
      const col = pick(r, cats);
      const value = (pick(r, table.rows) as Record<string, string>)[col.name] as string;
      const count = table.rows.filter((row) => row[col.name] === value).length;
      return make(
        "count-where",
        pick(r, [
          `How many ${noun} have ${col.name} ${value}?`,
          `How many ${noun} are there where ${col.name} is ${value}?`,
        ]),
        { category: col.name, value },
        { kind: "number", value: count },
      );
    }
    case "group": {
      const col = pick(r, cats);
      const measure = r.next() < 0.5 ? undefined : pick(r, nums);
      const groups = groupBy(table, col, measure);
      if (groups.length < 2 || groups[0]?.key === groups[1]?.key) return undefined;
      const question =
        measure === undefined
          ? `Which ${col.name} has the most ${noun}?`
          : `Which ${col.name} has the highest total ${measure.name}?`;
      const about = { category: col.name, ...(measure !== undefined ? { measure: measure.name } : {}) };
      return make(measure === undefined ? "most-rows" : "highest-total", question, about, {
        kind: "names",
        names: [groups[0]?.value as string],
        among: groups.map((g) => g.value),
      });
    }
    case "top-n": {
      const col = pick(
        r,
        cats.filter((c) => new Set(table.rows.map((row) => row[c.name])).size >= 3).concat(cats),
      );
      const measure = pick(r, nums);
      const groups = groupBy(table, col, measure);
      const n = groups.length >= 4 ? int(r, 2, 3) : 2;
      if (groups.length <= n || groups[n - 1]?.key === groups[n]?.key) return undefined;
      return make(
        `top-${n}`,
        `What are the top ${n} values of ${col.name} by total ${measure.name}?`,
        { category: col.name, measure: measure.name, n },
        {
          kind: "names",
          names: groups.slice(0, n).map((g) => g.value),
          among: groups.map((g) => g.value),
        },
      );
    }
  }
}
