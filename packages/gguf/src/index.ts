/**
 * `@overtone/gguf`: the GGUF format without files — ggml's types and sizes, typed metadata values, the format's
 * limits, the tensor codecs (bit-exact with ggml) and chat-template checks. Nothing here needs Node, so it
 * bundles for a browser. Reading, writing and editing files is `@overtone/gguf/node`.
 */

export {
  GgufCodecError,
  GgufFormatError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
} from "@overtone/errors";
export {
  CHAT_TEMPLATE_KEY,
  CHATML_TEMPLATE_MARKER,
  type ChatTemplateCheck,
  type ChatTemplateKind,
  chatTemplateOf,
  checkChatTemplate,
  classifyChatTemplate,
  HARMONY_TEMPLATE_MARKERS,
} from "./chat-template.js";
export * from "./codecs/index.js";
export {
  allGgmlTypes,
  elementCount,
  GGML_TYPE,
  GGML_TYPE_COUNT,
  type GgmlType,
  type GgmlTypeInfo,
  type GgmlTypeName,
  ggmlTypeInfo,
  ggmlTypeName,
  tensorByteSize,
} from "./ggml-types.js";
export {
  alignUp,
  GGUF_ALIGNMENT_KEY,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_MAX_VERSION,
  GGUF_MIN_VERSION,
  GGUF_WRITE_VERSION,
  MAX_ALIGNMENT,
  MAX_ARRAY_LENGTH,
  MAX_ARRAY_NESTING,
  MAX_DIMS,
  MAX_KV_COUNT,
  MAX_STRING_LENGTH,
  MAX_TENSOR_COUNT,
  MAX_TENSOR_NAME_BYTES,
} from "./gguf-limits.js";
export {
  GGUF_VALUE_TYPE,
  type GgufArray,
  type GgufBigIntType,
  type GgufMetadata,
  type GgufNumberType,
  type GgufValue,
  type GgufValueTypeName,
  ggufValue,
  ggufValueTypeName,
  plainValue,
} from "./gguf-values.js";
