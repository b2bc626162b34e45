/**
 * The synthetic Harmony corpus the toy gpt-oss model trains on, its held-out evaluation cases, the token ids
 * they use, and the tool pool with a checker for tool-call arguments (docs/toy-corpus.md).
 */
export {
  type AssistantTurn,
  type Expected,
  toolCallMessage,
} from "./assistant-turn.js";
export {
  type CorpusExample,
  type CorpusMix,
  type CorpusOptions,
  corpusExample,
  corpusExamples,
  corpusVocabulary,
  DATA_AGENT_MIX,
  type DetailedExample,
  generateCorpus,
  HARMONY_SPECIAL_TOKENS,
  type HeldOutCase,
  heldOutCases,
  SHIPPED_MIX,
  type VocabularyOptions,
} from "./corpus.js";
export { type CorpusStats, corpusStats, median } from "./corpus-stats.js";
export { type ArgumentsCheck, checkToolArguments, schemaProblems } from "./json-schema.js";
export { CATEGORIES, type Category, EFFORTS, type Effort, isHeldOutFill, type Split } from "./task.js";
export { CORPUS_TOOLS, corpusTool, TOOL_SPECS, toolSpec } from "./tool-pool.js";
export type { JsonObject, ToolQuestion, ToolResult, ToolSpec } from "./tool-spec.js";
