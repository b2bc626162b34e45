/**
 * `overtone data ask FILES… "question"`: one question over data files, answered by gpt-oss through SQL in the
 * sandbox (the data agent). Prints the answer (and the rows under it when the result is a table; the SQL first
 * with `--show-sql`), or one JSON object with `--json`; `--chart-out FILE` writes the chart the model drew.
 * A question that still fails after the isolated corrections exits 1 with one line on stderr.
 */
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import {
  addDataAgentOptions,
  answerJson,
  answerText,
  type DataAgentFlags,
  openDataAgent,
  writeChart,
} from "./data-agent-cli.js";
import { writeOut } from "./io.js";

const EXAMPLES = `
Efforts: --effort sets every task; --efforts sets single ones (generate=high,
correct=medium,explain=low by default): generate writes the query, correct
fixes a failing one in a prompt of its own, explain words the answer.

Examples:
  overtone data ask sales.csv "How many orders came from France?"
  overtone data ask sales.csv customers.json "Total amount per region" --show-sql
  overtone data ask sales.csv "Plot the total amount per country" --chart-out totals.png
  overtone data ask sales.parquet "Top 5 products by revenue" --json --backend ollama --model gpt-oss:20b
`;

export function registerDataAsk(data: Command): void {
  const command = data
    .command("ask")
    .description("ask a question about data files in plain language; gpt-oss answers it through SQL")
    .argument("<files-and-question...>", "CSV, Parquet or JSON files, then the question (the last argument)")
    .addHelpText("after", EXAMPLES);
  addDataAgentOptions(command).action(async (operands: string[], flags: DataAgentFlags) => {
    if (operands.length < 2) {
      throw new InputError("give the data files and then the question", {
        where: "overtone data ask",
        hint: 'e.g. overtone data ask sales.csv "How many orders came from France?"',
      });
    }
    const question = operands.at(-1) as string;
    if (question.trim() === "") throw new InputError("the question is empty", { where: "overtone data ask" });
    const opened = await openDataAgent(operands.slice(0, -1), flags, command);
    try {
      const answer = await opened.agent.ask(question);
      await writeOut(flags.json ? answerJson(answer) : answerText(answer, flags.showSql === true));
      if (flags.chartOut !== undefined) await writeChart(answer, flags.chartOut);
    } finally {
      await opened.close();
    }
  });
}
