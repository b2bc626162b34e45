/**
 * A request's conversation, effort and tools → the prompt token ids the model sees, rendered by Overtone's own
 * Harmony renderer (never by llama.cpp's tokenizer: it turns `<|start|>`, `<|channel|>`, … typed inside user
 * text into special tokens, so a user could forge turns). Effort and tools are applied by harmony's
 * `withTurnOptions`, the same rules every raw route uses.
 */
import {
  type Conversation,
  type ReasoningEffort,
  renderConversationForCompletion,
  type ToolDescription,
  withTurnOptions,
} from "@overtone/harmony";

export type EngineEffort = "low" | "medium" | "high";

export interface PromptOptions {
  /** Replaces the system message's reasoning effort. */
  effort?: EngineEffort;
  /** Added to the developer message's `functions` namespace (replacing tools of the same name). */
  tools?: readonly ToolDescription[];
}

const EFFORTS: Record<EngineEffort, ReasoningEffort> = { low: "Low", medium: "Medium", high: "High" };

/** The conversation with `options` applied, and a default system message first when it has none. */
export function prepareConversation(conversation: Conversation, options: PromptOptions = {}): Conversation {
  return withTurnOptions(conversation, {
    ...(options.effort !== undefined ? { effort: EFFORTS[options.effort] } : {}),
    ...(options.tools !== undefined ? { tools: options.tools } : {}),
  });
}

/** Prompt ids for the assistant's next turn: the prepared conversation, then `<|start|>assistant`. */
export function promptTokens(conversation: Conversation, options: PromptOptions = {}): number[] {
  return renderConversationForCompletion(prepareConversation(conversation, options), "assistant");
}
