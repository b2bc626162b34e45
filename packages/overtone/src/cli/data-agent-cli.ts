/**
 * What `overtone data ask` and `overtone data chat` share: the backend flags of `run`/`chat` (the same checks,
 * the same default model), the data agent's own flags, opening the sandbox + backend + agent, and writing an
 * answer — a sentence, the table under it, the SQL with `--show-sql`, one JSON object with `--json`, and the
 * chart file with `--chart-out` (its extension picks SVG, PNG or HTML).
 *
 * Efforts: `--effort X` (the shared flag, when given) sets all three tasks; `--efforts generate=high,…` then
 * sets single ones. Defaults: generate high, correct medium, explain low.
 */
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import { AgentMemory, type TaskEfforts, taskEfforts } from "../agent/index.js";
import type { Backend } from "../backends/contract.js";
import { openSandbox, type Sandbox } from "../data/index.js";
import { chartFormat, DataAgent, type DataAnswer, renderChart } from "../data-agent/index.js";
import { addBackendOptions, type BackendFlags, backendSetup, openBackend } from "./backend-flags.js";
import { tableText } from "./data-query.js";
import { positiveInt } from "./flag-values.js";
import { writeFileAtomically } from "./io.js";

export interface DataAgentFlags extends BackendFlags {
  json?: boolean;
  showSql?: boolean;
  efforts?: string;
  maxSteps?: string;
  maxRetries?: string;
  chartOut?: string;
}

export function addDataAgentOptions(command: Command): Command {
  return addBackendOptions(command)
    .option(
      "--json",
      "write one JSON object: answer, kind, sql, result {columns, rows, truncated}, chart, steps",
    )
    .option("--show-sql", "print the SQL that ran before the answer")
    .option(
      "--efforts <list>",
      "reasoning effort per task, e.g. generate=high,correct=medium,explain=low (the defaults)",
    )
    .option("--max-steps <n>", "tool calls per attempt (default 6)")
    .option("--max-retries <n>", "isolated corrections of a failing query (default 3)")
    .option("--chart-out <file>", "write the chart the model drew to FILE (.svg, .png or .html)");
}

/** `--effort` (if the user gave it) for every task, then `--efforts` task by task. */
export function effortsFrom(flags: DataAgentFlags, command: Command): TaskEfforts {
  const all = command.getOptionValueSource("effort") === "cli" ? flags.effort : undefined;
  const base = all === undefined ? {} : { generate: all, correct: all, explain: all };
  const overrides: Record<string, string> = {};
  for (const item of (flags.efforts ?? "").split(",").filter((s) => s.trim() !== "")) {
    const [task, effort, extra] = item.split("=").map((s) => s.trim());
    if (task === undefined || effort === undefined || extra !== undefined) {
      throw new InputError(`--efforts: "${item}" is not task=effort`, {
        where: "--efforts",
        hint: "e.g. --efforts generate=high,correct=medium,explain=low",
      });
    }
    overrides[task] = effort;
  }
  return taskEfforts({ ...base, ...overrides });
}

export interface OpenedAgent {
  agent: DataAgent;
  sandbox: Sandbox;
  backend: Backend;
  close(): Promise<void>;
}

export async function openDataAgent(
  files: readonly string[],
  flags: DataAgentFlags,
  command: Command,
): Promise<OpenedAgent> {
  if (flags.tools !== undefined || flags.system !== undefined) {
    throw new InputError(
      `${flags.tools !== undefined ? "--tools" : "--system"} does not apply to the data agent`,
      {
        where: flags.tools !== undefined ? "--tools" : "--system",
        hint: "the data agent brings its own instructions and tools (query, chart)",
      },
    );
  }
  const efforts = effortsFrom(flags, command);
  const maxSteps = flags.maxSteps === undefined ? undefined : positiveInt("--max-steps", flags.maxSteps);
  const maxRetries =
    flags.maxRetries === undefined ? undefined : nonNegative("--max-retries", flags.maxRetries);
  if (flags.chartOut !== undefined) chartFormat(flags.chartOut);
  const setup = await backendSetup(flags);
  const sandbox = await openSandbox(files);
  let backend: Backend;
  try {
    backend = await openBackend(setup);
  } catch (error) {
    sandbox.close();
    throw error;
  }
  const agent = new DataAgent({
    backend,
    sandbox,
    memory: new AgentMemory(),
    efforts,
    sampling: setup.sampling,
    ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
  });
  return {
    agent,
    sandbox,
    backend,
    close: async () => {
      sandbox.close();
      await backend.close();
    },
  };
}

/** The answer as one JSON object (`--json`). */
export function answerJson(answer: DataAnswer): string {
  return `${JSON.stringify({
    answer: answer.answer,
    kind: answer.kind,
    ...(answer.value !== undefined ? { value: answer.value } : {}),
    sql: answer.sql,
    result: answer.result,
    ...(answer.chart !== undefined ? { chart: answer.chart } : {}),
    steps: answer.steps,
    corrections: answer.corrections,
  })}\n`;
}

/** The answer for a terminal: the SQL (with --show-sql), the sentence, and the rows under it for a table. */
export function answerText(answer: DataAnswer, showSql: boolean, withAnswer = true): string {
  const parts: string[] = [];
  if (showSql && answer.sql !== null) parts.push(`SQL: ${answer.sql.trim()}\n`);
  if (withAnswer) parts.push(`${answer.answer}\n`);
  if (answer.kind === "table" && answer.result !== null) parts.push(`\n${tableText(answer.result)}`);
  return parts.join("");
}

/** Writes the chart to `path` when the model drew one; says on stderr what happened either way. */
export async function writeChart(answer: DataAnswer, path: string): Promise<void> {
  if (answer.chart === undefined || answer.result === null) {
    process.stderr.write(`overtone: no chart was drawn for this question; ${path} not written\n`);
    return;
  }
  const content = await renderChart(answer.chart, answer.result, chartFormat(path));
  await writeFileAtomically(path, content, "--chart-out");
  process.stderr.write(`chart written to ${path}\n`);
}

function nonNegative(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError(`${flag}: expected a whole number ≥ 0, found ${JSON.stringify(value)}`, {
      where: flag,
    });
  }
  return n;
}
