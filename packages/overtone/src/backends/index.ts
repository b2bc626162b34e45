/**
 * `@overtone/overtone/backends`: the contract every backend implements, `createBackend` (one call for any kind),
 * and each backend's own factory. The gpt-oss profile, the wire mappings and the stream readers are internal.
 */

// The errors this layer throws (all of them: @overtone/overtone/errors).
export {
  AbortedError,
  BackendError,
  ConfigError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
} from "@overtone/errors";
// The embedded backend takes and returns a loaded model; its type comes with the entry that uses it.
export type { EngineModel } from "../engine/index.js";
export type {
  Backend,
  BackendCapabilities,
  Effort,
  GenerateRequest,
  HttpBackendOptions,
  ModelInfo,
  ResponseFormat,
  Route,
} from "./contract.js";
export {
  BACKEND_KINDS,
  type BackendKind,
  type CreateBackendOptions,
  type CreateEmbeddedBackendOptions,
  type CreateOllamaBackendOptions,
  type CreateOpenAICompatibleBackendOptions,
  createBackend,
  DEFAULT_URLS,
} from "./create-backend.js";
export { createEmbedded, type EmbeddedBackend, type EmbeddedBackendOptions } from "./embedded/index.js";
export { createOllama, type OllamaBackend, type OllamaBackendOptions } from "./ollama/index.js";
export {
  createOpenAICompatible,
  type OpenAICompatibleFlavor,
  type OpenAICompatibleOptions,
} from "./openai-compatible/index.js";
