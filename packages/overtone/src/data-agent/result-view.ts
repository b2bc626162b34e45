/**
 * The data agent's typed results (PandasAI's string / number / dataframe, B8): a one-cell numeric result is a
 * number, any other result a table, no result (the model answered from the description alone) text. And what the
 * model reads back from a query: column names and at most MODEL_ROWS rows, so a wide result cannot flood its
 * context; `rowCount` and `truncated` tell it when there is more than it sees.
 */
import type { JsonValue, QueryResult } from "../data/index.js";

export type AnswerKind = "number" | "text" | "table";

/** Rows the model is shown of a result (the user's output shows them all, up to the sandbox's cap). */
export const MODEL_ROWS = 50;

export function answerKind(result: QueryResult | null): { kind: AnswerKind; value?: number } {
  if (result === null) return { kind: "text" };
  const cell = result.rows[0]?.[0];
  if (result.rows.length === 1 && result.columns.length === 1 && typeof cell === "number") {
    return { kind: "number", value: cell };
  }
  return { kind: "table" };
}

export interface ModelView {
  columns: string[];
  rows: JsonValue[][];
  rowCount: number;
  /** More rows exist than `rows` holds (cut here or by the sandbox's row cap). */
  truncated: boolean;
}

export function modelView(result: QueryResult): ModelView {
  return {
    columns: result.columns.map((c) => c.name),
    rows: result.rows.slice(0, MODEL_ROWS),
    rowCount: result.rows.length,
    truncated: result.truncated || result.rows.length > MODEL_ROWS,
  };
}
