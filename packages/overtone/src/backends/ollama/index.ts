/**
 * The Ollama backend (native API): `createOllama({ baseURL, model?, numCtx?, fetch?, headers? })`, plus the
 * request mappings under Ollama-specific names (so `overtone/backends` can re-export every backend's module).
 */
export { chatMessages as ollamaChatMessages, ollamaTools } from "./chat-request.js";
export { rawConversation as ollamaRawConversation } from "./generate-request.js";
export { modelInfoFromShow as ollamaModelInfo, templateKind as ollamaTemplateKind } from "./models.js";
export {
  createOllama,
  OLLAMA_GENERATION_TIMEOUT_MS,
  type OllamaBackend,
  type OllamaBackendOptions,
} from "./ollama-backend.js";
export type { OllamaChatRequest, OllamaGenerateRequest, OllamaMessage, OllamaShowResponse } from "./wire.js";
