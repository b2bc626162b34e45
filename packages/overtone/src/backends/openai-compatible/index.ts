/**
 * The OpenAI-compatible backend (vLLM, llama-server, LM Studio): `createOpenAICompatible({ baseURL, flavor?,
 * model?, streaming?, api?, fetch?, headers?, timeoutMs? })`. The wire bodies, the SSE reader and the answer
 * mappings are internal.
 */
export {
  createOpenAICompatible,
  type OpenAICompatibleFlavor,
  type OpenAICompatibleOptions,
} from "./backend.js";
