/**
 * `@overtone/overtone`: gpt-oss on your own machine. What a first program needs, by name: a backend, a
 * conversation, the answer, the errors.
 *
 * ```ts
 * import { collectParts, conversation, createBackend, message, systemMessage } from "@overtone/overtone";
 *
 * // Or { kind: "ollama", model: "gpt-oss:20b" }, or { kind: "openai-compatible", baseURL: "http://…/v1" }.
 * const backend = await createBackend({ kind: "embedded", model: "gpt-oss-20b" }); // 12 GB, downloaded once
 * try {
 *   const chat = conversation([systemMessage(), message("user", "What is 2 + 2?")]);
 *   const answer = await collectParts(backend.stream({ conversation: chat, effort: "low" }));
 *   console.log(answer.final); // answer.analysis holds the reasoning, answer.toolCalls the calls
 * } finally {
 *   await backend.close();
 * }
 * ```
 *
 * The rest is in the subpaths: `./backends` (each backend's factory), `./engine` (the embedded engine),
 * `./models` (model references, the cache, download progress), `./harmony`, `./gguf`, `./errors`.
 */

export {
  BACKEND_KINDS,
  type Backend,
  type BackendCapabilities,
  type BackendKind,
  type CreateBackendOptions,
  type CreateEmbeddedBackendOptions,
  type CreateOllamaBackendOptions,
  type CreateOpenAICompatibleBackendOptions,
  createBackend,
  type Effort,
  type EmbeddedBackend,
  type GenerateRequest,
  type ModelInfo,
  type OllamaBackend,
  type Route,
} from "./backends/index.js";
export {
  type EngineGenerateOptions,
  type EngineModel,
  type EngineModelInfo,
  type LoadModelOptions,
  loadModel,
} from "./engine/index.js";
export {
  type DownloadProgress,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModel,
} from "./engine/models/index.js";
export {
  AbortedError,
  BackendError,
  ConfigError,
  type ErrorOptions,
  GgufCodecError,
  GgufFormatError,
  HarmonyParseError,
  HarmonyRenderError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
  TokenizerError,
} from "./errors.js";
export {
  type CollectedParts,
  type CollectedToolCall,
  type Conversation,
  collectParts,
  conversation,
  type DeveloperContent,
  developerMessage,
  type FinishReason,
  type Message,
  message,
  type Part,
  partsFromText,
  partsFromTokens,
  renderConversation,
  renderConversationForCompletion,
  type SystemContent,
  systemContent,
  systemMessage,
  type ToolDescription,
  toolResult,
  withFunctionTools,
} from "./harmony.js";
