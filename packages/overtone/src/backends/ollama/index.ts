/**
 * The Ollama backend (native API): `createOllama({ baseURL, model?, numCtx?, keepAlive?, fetch?, headers?,
 * timeoutMs? })`. The request and answer mappings are internal.
 */
export { createOllama, type OllamaBackend, type OllamaBackendOptions } from "./ollama-backend.js";
