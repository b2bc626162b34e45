/**
 * `@overtone/harmony`: OpenAI's Harmony chat format for gpt-oss, exactly as openai/harmony renders and parses it,
 * in pure TypeScript (no WASM, no network, no Node-only API). The list below is the public API: every name is
 * exported on purpose, and `test/api/` fails when it changes by accident.
 */

export {
  HarmonyParseError,
  HarmonyRenderError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
  TokenizerError,
} from "@overtone/errors";
export {
  channelConfig,
  conversation,
  DEFAULT_KNOWLEDGE_CUTOFF,
  DEFAULT_MODEL_IDENTITY,
  DEFAULT_VALID_CHANNELS,
  developerContent,
  developerMessage,
  type MessageOptions,
  message,
  systemContent,
  systemMessage,
  toolResult,
  withBrowserTool,
  withFunctionTools,
  withPythonTool,
  withTools,
} from "./builders.js";
export { browserTool, pythonTool } from "./builtin-tools.js";
export {
  checkToolDescription,
  conversationFromJson,
  conversationToJson,
  messageFromJson,
  messageToJson,
  parseJsonText,
  roleFromJson,
} from "./json.js";
export { type LenientParse, type LenientParseOptions, parseLenient } from "./lenient-parse.js";
export {
  type ParseCompletionOptions,
  parseCompletionTokens,
  parseMessagesFromCompletionTokens,
} from "./parse.js";
export type {
  MessageHeader,
  ParsedMessage,
  ParserEvent,
  ParserOptions,
  ParserState,
  Terminator,
} from "./parser-types.js";
export {
  type DeltaPart,
  type EndPart,
  type ErrorPart,
  type FinishPart,
  type FinishReason,
  type Part,
  type PartKind,
  type PartType,
  partKind,
  type StartPart,
  type Timings,
  type Usage,
} from "./parts.js";
export { type FinishDetails, HarmonyPartsAdapter, type PartsAdapterOptions } from "./parts-adapter.js";
export { type CollectedParts, type CollectedToolCall, collectParts, throwOnError } from "./parts-collect.js";
export { errorToJson, partToJson } from "./parts-json.js";
export {
  type PartsStreamOptions,
  partsFromText,
  partsFromTokens,
  type TextPartsOptions,
  type TokenPartsOptions,
} from "./parts-stream.js";
export {
  dropAnalysisBefore,
  type RenderConversationConfig,
  renderConversation,
  renderConversationForCompletion,
  renderConversationForCompletionText,
  renderConversationForTraining,
  renderConversationForTrainingText,
  renderConversationText,
} from "./render-conversation.js";
export { type RenderOptions, renderMessage, renderMessageText } from "./render-message.js";
export { REPAIR_KINDS, type Repair, type RepairKind, repair } from "./repairs.js";
export { schemaToTypeScript } from "./schema-to-typescript.js";
export {
  CALL,
  CHANNEL,
  CONSTRAIN,
  END,
  END_OF_TEXT,
  FIRST_SPECIAL_TOKEN,
  FORMAT_TOKENS,
  isSpecialToken,
  LAST_SPECIAL_TOKEN,
  MESSAGE,
  NUM_TOKENS,
  RETURN,
  START,
  START_OF_TEXT,
  STOP_TOKENS,
  STOP_TOKENS_FOR_ASSISTANT_ACTIONS,
  specialTokenId,
  specialTokenText,
} from "./special-tokens.js";
export { StreamableParser } from "./streamable-parser.js";
export { parseMessagesFromText, type TextParserOptions, TextStreamParser } from "./text-stream-parser.js";
export { formatTokenList, parseTokenList } from "./token-list.js";
export {
  decode,
  decodeBytes,
  decodeUtf8,
  encodeOrdinary,
  encodeWithSpecialTokens,
  isKnownToken,
  tokenBytes,
} from "./tokenizer.js";
export { type TurnOptions, withTurnOptions } from "./turn-options.js";
export {
  type Author,
  type ChannelConfig,
  type Content,
  type Conversation,
  type DeveloperContent,
  type JsonValue,
  type Message,
  REASONING_EFFORTS,
  type ReasoningEffort,
  ROLES,
  type Role,
  type SystemContent,
  type ToolDescription,
  type ToolNamespaceConfig,
} from "./types.js";
