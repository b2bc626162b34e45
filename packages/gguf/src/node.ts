/**
 * `@overtone/gguf/node`: GGUF files on Node — open and read a header (big arrays decoded on first use), stream
 * tensor data, write a file atomically, copy one with metadata and tensor edits, summarize it, and load the
 * bundled gpt-oss and ChatML chat templates. The format itself (types, values, codecs) is `@overtone/gguf`.
 */
export {
  CHATML_TEMPLATE_URL,
  FIXED_HARMONY_TEMPLATE_URL,
  HARMONY_TEMPLATE_URL,
  loadChatmlTemplate,
  loadFixedHarmonyTemplate,
  loadHarmonyTemplate,
} from "./bundled-templates.js";
export { type CopyEdits, copyWithEdits, type TensorReplacement } from "./copy-with-edits.js";
export { type GgufFile, type GgufFileRange, openGguf } from "./gguf-file.js";
export { type GgufHeader, readGgufHeader } from "./read-header.js";
export { type GgufSummary, type JsonLike, SUMMARY_ARRAY_ITEMS, summarizeGguf } from "./summary.js";
export type { GgufTensorInfo } from "./tensor-info.js";
export {
  type GgufTensorData,
  type GgufTensorInput,
  type WriteGgufOptions,
  type WriteGgufResult,
  writeGguf,
} from "./write-gguf.js";
