/**
 * The data agent (issue 15 item 2; field report 002 done the gpt-oss way): a question in plain language over the
 * user's files, answered by gpt-oss through SQL that runs in the locked-down sandbox (data/).
 *
 * One question is one turn of the agent kit: the prompt (prompt.ts) as one system + one developer message with
 * the memory of earlier questions and answers; a tool loop where the model calls `query` (and maybe `chart`) and
 * reads the results; and, when a call fails (a refused or failing query, a wrong name, an empty result, a turn cut
 * by the token budget), an isolated correction: a fresh prompt with the failure and instructions for its kind, no
 * conversation history, up to `maxRetries` times. Effort follows the task the model is on: `generate` until a
 * query has run, `explain` once it writes the answer from a result, `correct` in a correction.
 * Only the question and the final answer are remembered.
 */
import { InputError } from "@overtone/errors";
import type { Part, ToolDescription } from "@overtone/harmony";
import {
  type AgentMemory,
  type AgentTask,
  agentConversation,
  CorrectableError,
  correctionRequest,
  runToolLoop,
  type TaskEfforts,
  type ToolCall,
  type ToolLoopResult,
  taskEfforts,
  withCorrection,
} from "../agent/index.js";
import type { Backend, Effort, GenerateRequest } from "../backends/contract.js";
import { type QueryResult, type Sandbox, SqlError } from "../data/index.js";
import { type ChartSpec, checkChartSpec } from "./chart.js";
import {
  agentSections,
  CHART_TOOL,
  correctionInstructions,
  IDENTITY,
  isCatalogError,
  QUERY_TOOL,
} from "./prompt.js";
import { type AnswerKind, answerKind, modelView } from "./result-view.js";
import { oneLineError, parseArguments } from "./turn-helpers.js";

export interface DataAgentOptions {
  backend: Backend;
  sandbox: Sandbox;
  memory: AgentMemory;
  /** Effort per task; defaults generate high, correct medium, explain low. */
  efforts?: Partial<TaskEfforts>;
  /** Tool calls per attempt (the first try and each correction); default 6. */
  maxSteps?: number;
  /** Corrections per question; default 3. */
  maxRetries?: number;
  maxTokens?: number;
  sampling?: { temperature?: number; seed?: number };
  /** Offer the chart tool; default true. */
  charts?: boolean;
  /** The prompt's date line; default today, false for none. */
  date?: string | false;
  /** Every part the model streams, with the task it was streamed for. */
  onPart?: (part: Part, task: AgentTask) => void;
}

export interface AskOptions {
  signal?: AbortSignal;
  /** Parts as they stream, for this question (instead of the agent's `onPart`). */
  onPart?: (part: Part, task: AgentTask) => void;
}

/** One tool call of the turn, the corrections' included. */
export interface DataStep {
  task: AgentTask;
  tool: string;
  arguments: string;
  /** The failure it raised, when it raised one (the correction that followed fixed it, or not). */
  error?: { kind: string; message: string };
}

export interface DataAnswer {
  answer: string;
  kind: AnswerKind;
  /** The value when `kind` is number (the one cell of a one-row, one-column result). */
  value?: number;
  /** The last query that ran and the result the answer reads from; null when the model answered without one. */
  sql: string | null;
  result: QueryResult | null;
  chart?: ChartSpec;
  steps: DataStep[];
  /** Corrections it took (0 when the first try worked). */
  corrections: number;
  /** Milliseconds: building prompts, DuckDB, checking chart specs, and the rest (the model, the loop around it). */
  timings: { promptMs: number; sqlMs: number; chartMs: number; modelMs: number };
}

/** What one question's attempts share: the last result, the steps, the task the model is on. */
interface Turn {
  question: string;
  task: AgentTask;
  effort: Effort;
  sql: string | null;
  result: QueryResult | null;
  chart?: ChartSpec;
  steps: DataStep[];
  emptyRetried: boolean;
  promptMs: number;
  sqlMs: number;
  chartMs: number;
}

export class DataAgent {
  readonly efforts: TaskEfforts;
  readonly #options: DataAgentOptions;
  readonly #tools: ToolDescription[];
  readonly #instructions: Record<string, string>;

  constructor(options: DataAgentOptions) {
    this.#options = options;
    this.efforts = taskEfforts(options.efforts ?? {});
    this.#tools = options.charts === false ? [QUERY_TOOL] : [QUERY_TOOL, CHART_TOOL];
    this.#instructions = correctionInstructions(options.sandbox.tables);
  }

  get memory(): AgentMemory {
    return this.#options.memory;
  }

  /** Answers one question; an InputError when it still fails after the corrections (its message says why). */
  async ask(question: string, options: AskOptions = {}): Promise<DataAnswer> {
    const { signal } = options;
    const onPart = options.onPart ?? this.#options.onPart;
    const started = performance.now();
    const turn: Turn = {
      question,
      task: "generate",
      effort: this.efforts.generate,
      sql: null,
      result: null,
      steps: [],
      emptyRetried: false,
      promptMs: 0,
      sqlMs: 0,
      chartMs: 0,
    };
    const { value, failures } = await withCorrection(
      () => this.#attempt(turn, "generate", question, true, signal, onPart),
      {
        maxRetries: this.#options.maxRetries ?? 3,
        correct: (failure) =>
          this.#attempt(
            turn,
            "correct",
            correctionRequest(question, failure, this.#instructions),
            false,
            signal,
            onPart,
          ),
      },
    ).catch((error: unknown) => {
      throw oneLineError(error);
    });
    const answer = value.answer.trim();
    this.memory.remember(question, answer);
    const { kind, value: number } = answerKind(turn.result);
    const total = performance.now() - started;
    return {
      answer,
      kind,
      ...(number !== undefined ? { value: number } : {}),
      sql: turn.sql,
      result: turn.result,
      ...(turn.chart !== undefined ? { chart: turn.chart } : {}),
      steps: turn.steps,
      corrections: failures.length,
      timings: {
        promptMs: turn.promptMs,
        sqlMs: turn.sqlMs,
        chartMs: turn.chartMs,
        modelMs: total - turn.promptMs - turn.sqlMs - turn.chartMs,
      },
    };
  }

  /** One try: the first (with memory) or a correction (isolated: no memory, the failure as the question). */
  async #attempt(
    turn: Turn,
    task: AgentTask,
    question: string,
    withMemory: boolean,
    signal?: AbortSignal,
    onPart?: (part: Part, task: AgentTask) => void,
  ): Promise<ToolLoopResult> {
    const { sandbox, maxTokens, sampling, date } = this.#options;
    turn.task = task;
    turn.effort = this.efforts[task];
    const t0 = performance.now();
    const conversation = agentConversation({
      identity: IDENTITY,
      sections: agentSections(sandbox.describe(), this.#tools.length > 1),
      tools: this.#tools,
      effort: turn.effort,
      ...(date !== undefined ? { date } : {}),
      ...(withMemory ? { memory: this.memory.turns() } : {}),
      question,
    });
    turn.promptMs += performance.now() - t0;
    const request: GenerateRequest = {
      conversation,
      tools: this.#tools,
      ...sampling,
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(signal !== undefined ? { signal } : {}),
    };
    const result = await runToolLoop(this.#options.backend, request, {
      effort: () => turn.effort,
      maxSteps: this.#options.maxSteps ?? 6,
      execute: (call) => this.#execute(call, turn),
      ...(onPart !== undefined ? { onPart: (part: Part) => onPart(part, turn.task) } : {}),
    });
    if (signal?.aborted) {
      // Stopped by the caller: nothing to correct.
      throw new InputError("the question was stopped before its answer", {
        where: "data agent",
        hint: "ask again",
      });
    }
    if (result.answer.trim() === "") {
      const cut = result.reason === "length";
      throw new CorrectableError({
        kind: cut ? "length" : "unanswered",
        message: cut
          ? `the turn stopped at the token limit${maxTokens !== undefined ? ` (${maxTokens})` : ""} before its answer`
          : `the turn ended (${result.reason}) without a final answer`,
      });
    }
    return result;
  }

  /** Runs one tool call; a failure becomes a CorrectableError for the correction loop. */
  async #execute(call: ToolCall, turn: Turn): Promise<string> {
    const step: DataStep = { task: turn.task, tool: call.name, arguments: call.arguments };
    turn.steps.push(step);
    const fail = (kind: string, message: string, output = call.arguments): never => {
      step.error = { kind, message };
      throw new CorrectableError({ kind, message, output });
    };
    const args = parseArguments(call.arguments);
    if (call.name === "query") {
      const sql =
        typeof args?.sql === "string" ? args.sql : typeof args?.query === "string" ? args.query : undefined;
      if (sql === undefined || sql.trim() === "")
        return fail("arguments", 'the query call needs {"sql": "SELECT …"}');
      const t0 = performance.now();
      let result: QueryResult;
      try {
        result = await this.#options.sandbox.query(sql);
      } catch (error) {
        if (!(error instanceof SqlError)) throw error;
        const kind = error.reason === "failed" && isCatalogError(error.detail) ? "catalog" : error.reason;
        return fail(kind, error.detail, sql);
      } finally {
        turn.sqlMs += performance.now() - t0;
      }
      if (result.rows.length === 0 && !turn.emptyRetried) {
        turn.emptyRetried = true;
        return fail("empty", "the query ran and returned no rows", sql);
      }
      turn.sql = sql;
      turn.result = result;
      // From here the model writes the answer from the result: the explain task's effort.
      turn.effort = this.efforts.explain;
      return JSON.stringify(modelView(result));
    }
    if (call.name === "chart" && this.#tools.includes(CHART_TOOL)) {
      if (turn.result === null) return fail("chart", "no query has run yet: query the rows to draw first");
      const t0 = performance.now();
      try {
        turn.chart = await checkChartSpec(args?.spec, turn.result);
      } catch (error) {
        return fail("chart", (error as Error).message);
      } finally {
        turn.chartMs += performance.now() - t0;
      }
      return JSON.stringify({ drawn: true, rows: turn.result.rows.length });
    }
    return fail(
      "arguments",
      `there is no tool "${call.name}"; the tools are ${this.#tools.map((t) => t.name).join(" and ")}`,
    );
  }
}
