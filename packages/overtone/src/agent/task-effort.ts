/**
 * Reasoning effort per task type (issue 15; reference/bench-and-agent.md B7, B8). One effort for everything is
 * either slow or careless: writing a query from a question deserves `high`, fixing a query from DuckDB's error
 * text `medium` (the error says most of what to do), and putting a result into a sentence `low`. Apps override
 * any of them.
 */
import { InputError } from "@overtone/errors";
import type { Effort } from "../backends/contract.js";

/** The steps of an agent's turn: generate (a query, a tool call), correct (after an error), explain (the result). */
export type AgentTask = "generate" | "correct" | "explain";

export type TaskEfforts = Record<AgentTask, Effort>;

export const DEFAULT_TASK_EFFORTS: Readonly<TaskEfforts> = Object.freeze({
  generate: "high",
  correct: "medium",
  explain: "low",
});

const EFFORTS: readonly string[] = ["low", "medium", "high"];

/** The defaults with `overrides` applied, checked (an InputError names a bad task or effort). */
export function taskEfforts(overrides: Partial<Record<string, string>> = {}): TaskEfforts {
  const efforts: TaskEfforts = { ...DEFAULT_TASK_EFFORTS };
  for (const [task, effort] of Object.entries(overrides)) {
    if (effort === undefined) continue;
    if (!(task in DEFAULT_TASK_EFFORTS)) {
      throw new InputError(`unknown task "${task}"`, {
        where: "taskEfforts",
        hint: `the tasks are ${Object.keys(DEFAULT_TASK_EFFORTS).join(", ")}`,
      });
    }
    if (!EFFORTS.includes(effort)) {
      throw new InputError(`effort "${effort}" for ${task} is not low, medium or high`, {
        where: `taskEfforts.${task}`,
        hint: "use low, medium or high",
      });
    }
    efforts[task as AgentTask] = effort as Effort;
  }
  return efforts;
}
