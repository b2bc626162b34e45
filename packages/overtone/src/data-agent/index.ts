/**
 * The data agent (`overtone data ask|chat`, issue 15): questions over CSV, Parquet and JSON files answered by
 * gpt-oss through SQL in the locked-down sandbox, with isolated error correction, per-task effort, a memory of
 * questions and answers, typed results and charts.
 */
export {
  type ChartFormat,
  type ChartSpec,
  chartFormat,
  chartValues,
  checkChartSpec,
  renderChart,
} from "./chart.js";
export {
  type AskOptions,
  DataAgent,
  type DataAgentOptions,
  type DataAnswer,
  type DataStep,
} from "./data-agent.js";
export { agentSections, CHART_TOOL, correctionInstructions, IDENTITY, QUERY_TOOL } from "./prompt.js";
export { type AnswerKind, answerKind, MODEL_ROWS, type ModelView, modelView } from "./result-view.js";
