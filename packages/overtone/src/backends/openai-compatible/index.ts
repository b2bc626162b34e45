/** The OpenAI-compatible backend (vLLM, llama-server, LM Studio): factory, wire mappers, SSE reader. */
export {
  createOpenAICompatible,
  type OpenAICompatibleFlavor,
  type OpenAICompatibleOptions,
  serverRoot,
} from "./backend.js";
export { chatJsonParts, chatStreamParts, type PartsContext } from "./chat-parts.js";
export { chatCompletionBody, chatMessages } from "./chat-request.js";
export { flavorFromModels, modelsFromAnswer } from "./models.js";
export { completionBody } from "./raw-completion.js";
export { responsesBody, responsesJsonParts, responsesStreamParts } from "./responses.js";
export { type SseEvent, SseLineParser, sseEvents } from "./sse.js";
export { WirePartsBuilder } from "./wire-parts.js";
