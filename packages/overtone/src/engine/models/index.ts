/**
 * `@overtone/overtone/models`: model resolution, for `overtone run --model X` and `overtone models`. Parse a
 * reference, find or make or download the GGUF (resumable, checksummed, cached), list the cache, show download
 * progress. The downloader, the Hugging Face client, the cache layout and the tiny/toy makers are internal.
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
export { defaultCacheDir } from "./cache-dir.js";
export { type CachedModel, type ListCachedModelsOptions, listCachedModels } from "./cache-index.js";
export {
  type Candidate,
  type FitPlace,
  fitOf,
  fitPlace,
  type MachineMemory,
  type ModelFit,
  type Recommendation,
  recommendModels,
} from "./model-fit.js";
export {
  DEFAULT_MODEL_REF,
  formatModelRef,
  MODEL_ALIASES,
  type ModelRef,
  parseModelRef,
} from "./model-ref.js";
export type { DownloadProgress, ProgressCallback } from "./progress.js";
export {
  createProgressRenderer,
  type ProgressRenderer,
  type ProgressRendererOptions,
} from "./progress-render.js";
export {
  kvBytesPerTokenPerLayer,
  kvCacheBytes,
  type MemoryNeed,
  MODEL_REGISTRY,
  type ModelShape,
  memoryNeeded,
  PLAN_CONTEXT,
  type RegistryEntry,
  registryEntry,
} from "./registry.js";
export { type ResolvedModel, type ResolveModelOptions, resolveModel } from "./resolve-model.js";
