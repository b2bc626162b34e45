/**
 * What the data agent tells gpt-oss (issue 15; reference/bench-and-agent.md B7, B8). Field report 002 sent four
 * `system` messages and the model saw one; here the identity, the data (the sandbox's description: tables,
 * columns, types, sample rows), the safety rules and the output format are sections of the agent kit's ONE
 * developer message, with two function tools: `query` (the SQL arrives as a tool call, never as prose to be
 * scraped) and `chart` (a Vega-Lite spec over the last query's rows; the model never copies data into it).
 *
 * The correction instructions are per error kind, as PandasAI's error classes: a refused query is told what the
 * gate allows, a catalog error gets the table and column list, a timeout is told to aggregate, and so on.
 */

import type { ToolDescription } from "@overtone/harmony";
import type { PromptSection } from "../agent/index.js";
import type { TableDescription } from "../data/index.js";

export const IDENTITY =
  "You are a careful data analyst. You answer questions about the user's data files by querying them with SQL.";

export const QUERY_TOOL: ToolDescription = {
  name: "query",
  description:
    "Runs one read-only DuckDB SELECT over the tables below and returns the result as JSON (columns, rows, rowCount, truncated).",
  parameters: {
    type: "object",
    properties: { sql: { type: "string", description: "One DuckDB SELECT statement" } },
    required: ["sql"],
  },
};

export const CHART_TOOL: ToolDescription = {
  name: "chart",
  description:
    "Draws a chart of the last query's result. Give a Vega-Lite spec WITHOUT data: the rows of the last query are its data, each row an object keyed by column name.",
  parameters: {
    type: "object",
    properties: {
      spec: {
        type: "object",
        description: 'A Vega-Lite spec without "data", e.g. {"mark":"bar","encoding":{"x":…,"y":…}}',
      },
    },
    required: ["spec"],
  },
};

/** The developer message's sections for one question over `description` (the sandbox's `describe()`). */
export function agentSections(description: string, charts: boolean): PromptSection[] {
  return [
    { title: "Data", text: `The user's files, each a table you can query:\n\n${description}` },
    {
      title: "Safety rules",
      text: [
        "- Get every number from a query result: never invent, estimate or recall numbers.",
        "- Write exactly one read-only SELECT per query call (WITH … SELECT is fine); nothing else runs.",
        "- Use only the tables and columns listed above; no files, URLs, settings or table functions.",
        "- Aggregate in SQL (count, sum, avg, GROUP BY, ORDER BY … LIMIT) instead of fetching many rows.",
      ].join("\n"),
    },
    {
      title: "Output format",
      text: [
        "- Call the query tool to run SQL; after its result, answer in one or two plain sentences with the values from it.",
        "- If a question cannot be answered from these tables, say so without querying.",
        ...(charts
          ? ["- When the user asks for a chart or plot, query the rows to draw, then call the chart tool."]
          : []),
      ].join("\n"),
    },
  ];
}

/** Correction instructions per failure kind (correctionRequest picks by `kind`). */
export function correctionInstructions(tables: readonly TableDescription[]): Record<string, string> {
  const catalog = tables
    .map((t) => `${t.name}(${t.columns.map((c) => `${c.name} ${c.type}`).join(", ")})`)
    .join("\n");
  return {
    refused:
      "The sandbox refused the query: only one read-only SELECT over the listed tables may run (no COPY, ATTACH, SET, PRAGMA, file or settings functions, no second statement). Call the query tool with a single SELECT that answers the request.",
    invalid:
      "DuckDB could not parse the query. Fix the syntax (DuckDB dialect; quote identifiers with double quotes, strings with single quotes) and call the query tool again.",
    catalog: `A table or column name is wrong. These are the only tables and columns:\n${catalog}\nCall the query tool again using only these names.`,
    failed:
      "DuckDB ran the query and reported the error above (a type mismatch, a wrong function, …). Fix what it says and call the query tool again.",
    timeout:
      "The query ran too long and was stopped. Make it cheaper: filter first, aggregate, avoid joins that multiply rows, then call the query tool again.",
    empty:
      "The query returned no rows. Check the filter values against the sample rows (spelling, letter case, date format). Call the query tool again; if no rows is the true answer, say so.",
    length:
      "The answer was cut off by the token budget before it was finished. Think briefly, call the query tool with the SQL directly, then answer in one sentence.",
    unanswered:
      "The turn ended without an answer. Call the query tool for the numbers you need, then answer in one or two sentences.",
    arguments:
      'The tool call could not be used. Call the query tool with JSON arguments {"sql": "SELECT …"}, or the chart tool with {"spec": {…}}.',
    chart:
      'The chart spec could not be drawn. Give a Vega-Lite spec without "data" whose fields are columns of the last query result, and call the chart tool again.',
    default: "Fix the query so that it runs, and call the query tool again.",
  };
}

/** DuckDB's binder and catalog errors: the model used a name that is not there. */
export function isCatalogError(detail: string): boolean {
  return /Catalog Error|Referenced column .* not found|Table with name .* does not exist|not found in FROM clause|does not have a column named/i.test(
    detail,
  );
}
