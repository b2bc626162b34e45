/** Model surgery on the GGUF itself (issue 18): directions files, ablation of the residual writers. */
export { type AblateOptions, type AblateResult, ablate, planEdits } from "./ablate.js";
export { type AblateConfig, parseAblateConfig, WRITER_TARGETS, type WriterTarget } from "./ablate-config.js";
export { type Ablation, ColumnStats, editRows, editVectors, unitDirection } from "./ablation-math.js";
export { type Analysis, analyze, type LayerMetrics } from "./analyze.js";
export { type DirectionsFile, RESIDUAL_POINT, readDirections, writeDirections } from "./directions-file.js";
export { type MeasureOptions, type MeasureResult, measure } from "./measure.js";
export {
  type MeasuredPrompt,
  measuredPrompt,
  POSITION_RULES,
  type PositionRule,
  readPromptSet,
} from "./prompt-set.js";
export type { TensorEditReport } from "./tensor-edit.js";
