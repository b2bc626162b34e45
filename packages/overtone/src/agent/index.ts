/**
 * `@overtone/overtone/agent`: the pieces an app needs to put gpt-oss to work on a task of its own (issue 15) —
 * a prompt builder that gives the model one system and one developer message however many sections the app
 * has, reasoning effort per task type, a memory of questions and final answers only, error correction in an
 * isolated context with a retry limit, and a tool loop with a step limit. The data agent (`overtone data`) is
 * built from them.
 */
export {
  CorrectableError,
  type Corrected,
  type CorrectionOptions,
  correctionRequest,
  type StepFailure,
  withCorrection,
} from "./correction-loop.js";
export { AgentMemory, type AgentMemoryOptions, type MemoryTurn, turnTokens } from "./memory.js";
export {
  type AgentPrompt,
  agentConversation,
  type LegacyMessage,
  legacyMessages,
  type PromptSection,
  sectionsText,
} from "./prompt-builder.js";
export {
  DEFAULT_CHUNK_TOKENS,
  PROOFREAD_SECTIONS,
  PROOFREAD_TASK,
  type ProofreadChunk,
  type ProofreadEvent,
  type ProofreadOptions,
  proofread,
  proofreadConversation,
  splitForProofreading,
} from "./proofread.js";
export { type AgentTask, DEFAULT_TASK_EFFORTS, type TaskEfforts, taskEfforts } from "./task-effort.js";
export {
  runToolLoop,
  type ToolCall,
  type ToolLoopOptions,
  type ToolLoopResult,
  type ToolStep,
} from "./tool-loop.js";
