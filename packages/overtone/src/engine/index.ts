/**
 * `@overtone/overtone/engine`: the embedded llama.cpp engine, the only layer that imports node-llama-cpp. Load a
 * gpt-oss GGUF once (`loadModel`), then generate the assistant's turns as Parts from conversations rendered by
 * Overtone's own Harmony renderer; `disposeEngineLlama` releases the native runtime once every model is disposed.
 * Model resolution and downloads are `@overtone/overtone/models`. The thread rule and probe, the sampler
 * mapping, the prefill pacing, the GGUF checks and llama.cpp's log are internal.
 */

// The errors this layer throws (all of them: @overtone/overtone/errors).
export {
  BackendError,
  ConfigError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
} from "@overtone/errors";
export {
  DEFAULT_QUEUE_LIMIT,
  type EngineGenerateOptions,
  EngineModel,
  type EngineModelInfo,
  type EngineModelOptions,
  type TokenGenerateOptions,
} from "./engine-model.js";
export { type FinalFormat, finalFormatProblem } from "./final-grammar.js";
export { disposeEngineLlama, type GpuChoice } from "./llama-runtime.js";
export { DEFAULT_CONTEXT_SIZE, type LoadModelOptions, loadModel } from "./load-model.js";
export { type EngineEffort, type PromptOptions, promptTokens } from "./prompt.js";
export type { SamplingOptions } from "./sampling.js";
