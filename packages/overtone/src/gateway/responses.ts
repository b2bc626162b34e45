/**
 * The OpenAI Responses API protocol module (`POST /v1/responses`, gateway.md §2), as the server uses it: parse
 * the request, resolve `previous_response_id` in a `ResponseStore`, build the `GenerateRequest`, then write the
 * parts as one response object or as the §2.3 event stream. The store keeps the `items` these give back.
 */
export { previousResponseNotFound, ResponseStore } from "./response-store.js";
export type { ResponsesItem } from "./responses-input.js";
export { responsesBody, storedItems } from "./responses-reply.js";
export {
  conversationItems,
  type ParsedResponsesRequest,
  parseResponsesRequest,
  responsesToGenerateRequest,
} from "./responses-request.js";
export { responseFrames } from "./responses-stream.js";
