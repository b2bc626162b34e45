/**
 * The data agent's job for one table: a question of one of five families (count, aggregate, filter, group,
 * top-n, the families of `npm run eval:data-agent`), the one simple SQL query that answers it, the sandbox's
 * result for that query (the JSON the agent hands the model: columns, rows, rowCount, truncated), and what the
 * assistant says before and after. The SQL is regular on purpose — one shape per family, the names copied from
 * the question and the table line — so a model of width 64 can learn it as a pattern.
 *
 * Results are computed here from the rows in integer units (data-tables.ts); a question whose answer is tied
 * (two groups with the same count or total, an average exactly halfway between two cents) is not asked, so the
 * text is exactly what DuckDB returns (test/data-agent/toy-corpus-prompt.test.ts runs every query for real).
 */
import type { SeededRandom } from "@overtone/makers";
import type { DataColumn, DataTable } from "./data-tables.js";
import { unitsNumber } from "./data-tables.js";
import { intBetween, pick } from "./random-choice.js";
import type { Analysis } from "./task.js";

export const DATA_FAMILIES = ["count", "aggregate", "filter", "group", "top-n"] as const;
export type DataFamily = (typeof DATA_FAMILIES)[number];

export interface DataQuestion {
  family: DataFamily;
  question: string;
  sql: string;
  /** The query tool's result, as the data agent writes it. */
  result: string;
  analysis: Analysis;
  /** The short analysis after the result. */
  after: string;
  final: string;
}

type Row = Record<string, string | number>;
const PLACE_COLUMNS = new Set(["country", "market", "city", "pickup_city"]);
const OPS = {
  sum: ["SUM", "total"],
  avg: ["AVG", "average"],
  min: ["MIN", "lowest"],
  max: ["MAX", "highest"],
} as const;

function resultText(columns: string[], rows: (string | number)[][]): string {
  return JSON.stringify({ columns, rows, rowCount: rows.length, truncated: false });
}

/** Groups of `category`, keyed by rows (no measure) or by the measure's total in units; largest first. */
function groups(
  table: DataTable,
  category: DataColumn,
  measure?: DataColumn,
): { value: string; key: number }[] {
  const keys = new Map<string, number>();
  for (const row of table.rows) {
    const v = row[category.name] as string;
    keys.set(v, (keys.get(v) ?? 0) + (measure === undefined ? 1 : (row[measure.name] as number)));
  }
  return [...keys].map(([value, key]) => ({ value, key })).sort((a, b) => b.key - a.key);
}

function listText(names: readonly string[]): string {
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The analysis at each effort around one plan ("count the rows of orders"). */
function analysis(table: DataTable, restate: string, step: string): Analysis {
  const plan = `${step[0]?.toUpperCase()}${step.slice(1)}.`;
  const base = `The user wants ${restate}. The data is table ${table.name}.`;
  return {
    low: `Table ${table.name}: ${step}.`,
    medium: `${base} ${plan}`,
    high: `${base} ${plan} Numbers must come from the query, not from the sample rows. So call query once with that SQL.`,
  };
}

/** A question of `family` about `table`, or undefined when its answer would be tied (draw another). */
export function dataQuestion(
  rng: SeededRandom,
  table: DataTable,
  family: DataFamily,
): DataQuestion | undefined {
  const t = table.name;
  const { noun } = table;
  const cats = table.columns.filter((c) => c.type === "category");
  const nums = table.columns.filter((c) => c.type === "number");
  const n = table.rows.length;
  switch (family) {
    case "count": {
      const question = pick(rng, [
        `How many ${noun} are there?`,
        `How many rows does ${t} have?`,
        `Count the ${noun}.`,
      ]);
      return {
        family,
        question,
        sql: `SELECT COUNT(*) AS n FROM ${t}`,
        result: resultText(["n"], [[n]]),
        analysis: analysis(table, `the number of ${noun}`, `count the rows of ${t}`),
        after: `The query returned ${n}.`,
        final: `There are ${n} ${noun} in ${t}.`,
      };
    }
    case "aggregate": {
      const col = pick(rng, nums);
      const op = pick(rng, ["sum", "avg", "min", "max"] as const);
      const [fn, word] = OPS[op];
      const decimals = col.decimals ?? 0;
      const units = table.rows.map((r) => r[col.name] as number);
      let value: number;
      if (op === "avg") {
        // ROUND(AVG(x), 2) in hundredths: sum·100 / (n·scale), rounded half away from zero; a tie is not asked.
        const num = units.reduce((a, b) => a + b, 0) * 100;
        const den = n * 10 ** decimals;
        const rem = Math.abs(num % den);
        if (rem * 2 === den) return undefined;
        value = Math.round(num / den) / 100;
        value = Number(value.toFixed(2));
      } else {
        const u =
          op === "sum"
            ? units.reduce((a, b) => a + b, 0)
            : op === "min"
              ? Math.min(...units)
              : Math.max(...units);
        value = unitsNumber(u, decimals);
      }
      const question = pick(rng, [
        `What is the ${word} ${col.name}?`,
        `What is the ${word} ${col.name} of the ${noun}?`,
      ]);
      return {
        family,
        question,
        sql: `SELECT ROUND(${fn}(${col.name}), 2) AS value FROM ${t}`,
        result: resultText(["value"], [[value]]),
        analysis: analysis(
          table,
          `the ${word} ${col.name}`,
          `take ${fn} of ${col.name} in ${t}, rounded to 2 decimals`,
        ),
        after: `The query returned ${value}.`,
        final: `The ${word} ${col.name} is ${value}.`,
      };
    }
    case "filter": {
      const col = pick(rng, cats);
      const value = (pick(rng, table.rows) as Row)[col.name] as string;
      const count = table.rows.filter((r) => r[col.name] === value).length;
      // "came from" for places (issue 15's own example: "How many orders came from France?").
      const place = PLACE_COLUMNS.has(col.name) ? [`How many ${noun} came from ${value}?`] : [];
      const question = pick(rng, [
        `How many ${noun} have ${col.name} ${value}?`,
        `How many ${noun} are there where ${col.name} is ${value}?`,
        ...place,
      ]);
      return {
        family,
        question,
        sql: `SELECT COUNT(*) AS n FROM ${t} WHERE ${col.name} = '${value}'`,
        result: resultText(["n"], [[count]]),
        analysis: analysis(
          table,
          `the ${noun} with ${col.name} ${value}`,
          `count the rows of ${t} where ${col.name} is ${value}`,
        ),
        after: `The query returned ${count}.`,
        final: `There are ${count} ${noun} where ${col.name} is ${value}.`,
      };
    }
    case "group": {
      const col = pick(rng, cats);
      const measure = rng.next() < 0.5 ? undefined : pick(rng, nums);
      const g = groups(table, col, measure);
      if (g.length < 2 || g[0]?.key === g[1]?.key) return undefined;
      const top = g[0] as { value: string; key: number };
      if (measure === undefined) {
        return {
          family,
          question: `Which ${col.name} has the most ${noun}?`,
          sql: `SELECT ${col.name}, COUNT(*) AS n FROM ${t} GROUP BY ${col.name} ORDER BY n DESC LIMIT 1`,
          result: resultText([col.name, "n"], [[top.value, top.key]]),
          analysis: analysis(
            table,
            `the ${col.name} with the most ${noun}`,
            `group ${t} by ${col.name}, count the rows and keep the largest`,
          ),
          after: `The query returned ${top.value} with ${top.key}.`,
          final: `${top.value} has the most ${noun}, with ${top.key}.`,
        };
      }
      const total = unitsNumber(top.key, measure.decimals ?? 0);
      return {
        family,
        question: `Which ${col.name} has the highest total ${measure.name}?`,
        sql: `SELECT ${col.name}, ROUND(SUM(${measure.name}), 2) AS total FROM ${t} GROUP BY ${col.name} ORDER BY total DESC LIMIT 1`,
        result: resultText([col.name, "total"], [[top.value, total]]),
        analysis: analysis(
          table,
          `the ${col.name} with the highest total ${measure.name}`,
          `group ${t} by ${col.name}, sum ${measure.name} and keep the largest`,
        ),
        after: `The query returned ${top.value} with ${total}.`,
        final: `${top.value} has the highest total ${measure.name}, with ${total}.`,
      };
    }
    case "top-n": {
      const col = pick(rng, cats);
      const measure = pick(rng, nums);
      const g = groups(table, col, measure);
      const k = g.length >= 4 ? intBetween(rng, 2, 3) : 2;
      // Distinct totals down to the cut, so DuckDB's ORDER BY gives these rows in this order.
      if (g.length <= k || g.slice(1, k + 1).some((x, i) => x.key === g[i]?.key)) return undefined;
      const top = g.slice(0, k);
      const names = top.map((x) => x.value);
      return {
        family,
        question: `What are the top ${k} values of ${col.name} by total ${measure.name}?`,
        sql: `SELECT ${col.name}, ROUND(SUM(${measure.name}), 2) AS total FROM ${t} GROUP BY ${col.name} ORDER BY total DESC LIMIT ${k}`,
        result: resultText(
          [col.name, "total"],
          top.map((x) => [x.value, unitsNumber(x.key, measure.decimals ?? 0)]),
        ),
        analysis: analysis(
          table,
          `the top ${k} ${col.name} values by total ${measure.name}`,
          `group ${t} by ${col.name}, sum ${measure.name} and keep the top ${k}`,
        ),
        after: `The query returned ${listText(names)}.`,
        final: `The top ${k} values of ${col.name} by total ${measure.name} are ${listText(names)}.`,
      };
    }
  }
}
