/**
 * One training example of the data agent's job (issue 15 item 3): exactly the conversation overtone's DataAgent
 * sends for one question over one CSV table — its system message, its developer message with the sandbox's
 * description of the table (data-agent-prompt.ts, data-tables.ts), the question — and the turn the toy should
 * take: a short analysis, a `query` call with the family's SQL, the sandbox's result (given), a short analysis
 * and a final sentence holding the value.
 *
 * The system message's effort is drawn at random: the agent asks its first generation at `high` and the one after
 * the result at `low` (task efforts), but a training example is one token sequence, so the turn after the result
 * must not depend on the effort line. The agent's date line is today's in the CLI and absent in the evaluation.
 */

import type { Message } from "@overtone/harmony";
import { message, toolResult } from "@overtone/harmony";
import type { SeededRandom } from "@overtone/makers";
import { type TurnSegment, toolCallMessage } from "./assistant-turn.js";
import { dataAgentHead } from "./data-agent-prompt.js";
import { DATA_FAMILIES, type DataQuestion, dataQuestion } from "./data-questions.js";
import { type DataTable, describeDataTable, randomDataTable } from "./data-tables.js";
import { DATES } from "./example-plan.js";
import { chance, pick } from "./random-choice.js";
import { drawInSplit, EFFORTS, type Effort, type Split } from "./task.js";

export interface DataAgentPlan {
  effort: Effort;
  date: string | undefined;
  charts: boolean;
  table: DataTable;
  question: DataQuestion;
  /** The table's shape (name and columns): the held-out split is a fixed set of shapes. */
  fill: string;
}

const REASONING = { low: "Low", medium: "Medium", high: "High" } as const;

function drawTable(rng: SeededRandom, cover: Map<string, number>): { table: DataTable; fill: string } {
  const table = randomDataTable(rng, cover);
  return { table, fill: `data|${table.name}|${table.columns.map((c) => c.name).join(",")}` };
}

/** `cover`: the stream's count of sample numbers per pool (data-tables.ts), shared by its examples. */
export function drawDataAgentPlan(
  rng: SeededRandom,
  split: Split,
  cover: Map<string, number> = new Map(),
): DataAgentPlan {
  const effort = pick(rng, EFFORTS);
  const date = chance(rng, 0.5) ? pick(rng, DATES) : undefined;
  // The agent offers the chart tool unless told not to (`charts: false`).
  const charts = chance(rng, 0.85);
  for (;;) {
    const { table, fill } = drawInSplit(rng, split, (r) => drawTable(r, cover));
    const question = dataQuestion(rng, table, pick(rng, DATA_FAMILIES));
    if (question !== undefined) return { effort, date, charts, table, question, fill };
  }
}

/** The prompt: what DataAgent.ask sends for the question (no memory, as the evaluation asks). */
export function dataAgentPrompt(plan: DataAgentPlan): Message[] {
  const head = dataAgentHead(describeDataTable(plan.table), {
    effort: REASONING[plan.effort],
    date: plan.date,
    charts: plan.charts,
  });
  return [...head, message("user", plan.question.question)];
}

const analysisMessage = (text: string) => message("assistant", text, { channel: "analysis" });

/** The turn: analysis → query call; the result (given); analysis → final. */
export function dataAgentSegments(plan: DataAgentPlan): TurnSegment[] {
  const q = plan.question;
  return [
    {
      generated: true,
      messages: [
        analysisMessage(q.analysis[plan.effort]),
        toolCallMessage("query", JSON.stringify({ sql: q.sql })),
      ],
    },
    { generated: false, messages: [toolResult("functions.query", q.result)] },
    {
      generated: true,
      messages: [analysisMessage(q.after), message("assistant", q.final, { channel: "final" })],
    },
  ];
}
