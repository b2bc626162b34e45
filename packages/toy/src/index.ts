/**
 * `@overtone/toy`: the toy gpt-oss that Overtone trains itself — the synthetic Harmony corpus, the CPU trainer
 * (backward pass, AdamW, WebAssembly kernels, checkpoints, GGUF export), a reference forward pass checked against
 * llama.cpp, and the behaviour scoring of held-out cases. Apart from the product: `overtone gguf train-toy` loads
 * it when it is installed.
 *
 * Top level: what training a model takes. The namespaces hold each part's finer API.
 */

// The errors this layer throws (all of them: @overtone/overtone/errors).
export {
  ConfigError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
} from "@overtone/errors";
export * as corpus from "./corpus/index.js";
export * as evaluation from "./eval/index.js";
export * as reference from "./reference/index.js";
export * as train from "./train/index.js";
export {
  type MakeToyGptOssOptions,
  type MakeToyGptOssResult,
  makeToyGptOss,
} from "./train/make-toy-gpt-oss.js";
export { DATA_AGENT_RECIPE, TOY_RECIPE_DEFAULTS } from "./train/toy-config.js";
export { type TrainedToy, type TrainProgress, type TrainToyOptions, trainToy } from "./train/train-toy.js";
