/**
 * The OpenAI Chat Completions protocol of the gateway (gateway.md §1), as the server uses it: the request
 * checked and turned into a backend request (openai-chat-request.ts, with the messages in
 * openai-chat-messages.ts and single fields in openai-chat-fields.ts), the reply as one body
 * (openai-chat-reply.ts) or as SSE frames (openai-chat-stream.ts), and the OpenAI error body.
 */
export { chatCompletionBody, openAIErrorBody } from "./openai-chat-reply.js";
export {
  type ChatResponseFormat,
  type ChatToolChoice,
  chatToGenerateRequest,
  type ParsedChatRequest,
  parseChatRequest,
} from "./openai-chat-request.js";
export { chatCompletionFrames } from "./openai-chat-stream.js";
