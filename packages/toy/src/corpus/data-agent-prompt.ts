/**
 * The data agent's prompt, as the corpus writes it: the same system message (the agent's identity, effort, maybe
 * a date) and the same developer message (the Data, Safety rules and Output format sections, the `query` tool and,
 * when the agent offers charts, the `chart` tool) that overtone's data-agent/prompt.ts and agent/prompt-builder.ts
 * build. @overtone/toy may not import overtone (docs/architecture.md layers), so the text is written here again;
 * test/data-agent/toy-corpus-prompt.test.ts renders both for the same table and fails on any difference, so a
 * change to the agent's prompt shows up as a failing test, and then as a retrain.
 */
import {
  developerContent,
  developerMessage,
  type Message,
  type ReasoningEffort,
  systemContent,
  systemMessage,
  type ToolDescription,
  withFunctionTools,
} from "@overtone/harmony";

export const DATA_AGENT_IDENTITY =
  "You are a careful data analyst. You answer questions about the user's data files by querying them with SQL.";

export const DATA_QUERY_TOOL: ToolDescription = {
  name: "query",
  description:
    "Runs one read-only DuckDB SELECT over the tables below and returns the result as JSON (columns, rows, rowCount, truncated).",
  parameters: {
    type: "object",
    properties: { sql: { type: "string", description: "One DuckDB SELECT statement" } },
    required: ["sql"],
  },
};

export const DATA_CHART_TOOL: ToolDescription = {
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

/** The developer message's instructions: the agent kit's `## title` sections under `# Instructions`. */
export function dataAgentInstructions(description: string, charts: boolean): string {
  const sections = [
    ["Data", `The user's files, each a table you can query:\n\n${description}`],
    [
      "Safety rules",
      [
        "- Get every number from a query result: never invent, estimate or recall numbers.",
        "- Write exactly one read-only SELECT per query call (WITH … SELECT is fine); nothing else runs.",
        "- Use only the tables and columns listed above; no files, URLs, settings or table functions.",
        "- Aggregate in SQL (count, sum, avg, GROUP BY, ORDER BY … LIMIT) instead of fetching many rows.",
      ].join("\n"),
    ],
    [
      "Output format",
      [
        "- Call the query tool to run SQL; after its result, answer in one or two plain sentences with the values from it.",
        "- If a question cannot be answered from these tables, say so without querying.",
        ...(charts
          ? ["- When the user asks for a chart or plot, query the rows to draw, then call the chart tool."]
          : []),
      ].join("\n"),
    ],
  ];
  return sections.map(([title, text]) => `## ${title}\n\n${(text as string).trim()}`).join("\n\n");
}

export interface DataPromptOptions {
  effort: ReasoningEffort;
  /** `YYYY-MM-DD`, or undefined for none (the agent's `date: false`). */
  date: string | undefined;
  charts: boolean;
}

/** The system and developer messages the data agent sends for a table described by `description`. */
export function dataAgentHead(description: string, options: DataPromptOptions): Message[] {
  const system = systemContent({ model_identity: DATA_AGENT_IDENTITY, reasoning_effort: options.effort });
  if (options.date !== undefined) system.conversation_start_date = options.date;
  const tools = options.charts ? [DATA_QUERY_TOOL, DATA_CHART_TOOL] : [DATA_QUERY_TOOL];
  const content = developerContent({ instructions: dataAgentInstructions(description, options.charts) });
  return [systemMessage(system), developerMessage(withFunctionTools(content, tools))];
}
