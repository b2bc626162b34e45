/**
 * Whole conversations (spec.md §6): as history, as a prompt for the next role, or as a training example.
 */
import { appendMessagePieces, checkRole } from "./message-pieces.js";
import { type Piece, piecesToText, piecesToTokens } from "./render-pieces.js";
import { RETURN, START } from "./special-tokens.js";
import type { Conversation, Message, Role } from "./types.js";

export interface RenderConversationConfig {
  /**
   * Drop the chain of thought of finished turns: default true, as in upstream's Python binding (the Rust API's
   * `None` means false). Exactly upstream's rule: only when the last assistant message is on channel `final`,
   * and only the `analysis` messages before the FIRST `final` message.
   */
  autoDropAnalysis?: boolean;
}

/** True iff a developer message declares at least one tool in the `functions` namespace. */
function hasFunctionTools(messages: readonly Message[]): boolean {
  for (const message of messages) {
    for (const content of message.content) {
      if (content.type !== "developer_content" || content.tools === undefined) continue;
      const functions = Object.hasOwn(content.tools, "functions") ? content.tools.functions : undefined;
      if (functions !== undefined && functions.tools.length > 0) return true;
    }
  }
  return false;
}

/**
 * Index below which analysis messages are dropped (0 = drop nothing): upstream's rule, applied also by the
 * backends that send history to a server which renders Harmony itself, so every route sees the same prompt.
 */
export function dropAnalysisBefore(messages: readonly Message[], config?: RenderConversationConfig): number {
  if (config?.autoDropAnalysis === false) return 0;
  let lastAssistant: Message | undefined;
  for (let i = messages.length - 1; i >= 0 && lastAssistant === undefined; i--) {
    if (messages[i]?.author.role === "assistant") lastAssistant = messages[i];
  }
  if (lastAssistant?.channel !== "final") return 0;
  const firstFinal = messages.findIndex((m) => m.channel === "final");
  return Math.max(firstFinal, 0); // no final message: drop nothing
}

function conversationPieces(
  conversation: Conversation,
  config: RenderConversationConfig | undefined,
): Piece[] {
  const messages = conversation.messages;
  const functionTools = hasFunctionTools(messages);
  const dropBefore = dropAnalysisBefore(messages, config);
  const pieces: Piece[] = [];
  messages.forEach((message, i) => {
    if (i < dropBefore && message.channel === "analysis") return;
    appendMessagePieces(pieces, message, functionTools, () => `conversation.messages[${i}]`);
  });
  return pieces;
}

function completionPieces(
  conversation: Conversation,
  nextRole: Role,
  config?: RenderConversationConfig,
): Piece[] {
  checkRole(nextRole, () => "the next role");
  const pieces = conversationPieces(conversation, config);
  pieces.push(START, nextRole);
  return pieces;
}

/** Training targets end the final answer with `<|return|>`, the token the model emits when it is done. */
function trainingPieces(conversation: Conversation, config?: RenderConversationConfig): Piece[] {
  const pieces = conversationPieces(conversation, config);
  const last = conversation.messages[conversation.messages.length - 1];
  if (last?.author.role === "assistant" && last.channel === "final" && pieces.length > 0) {
    pieces[pieces.length - 1] = RETURN;
  }
  return pieces;
}

/** The conversation as history, with nothing after its last message. */
export function renderConversation(conversation: Conversation, config?: RenderConversationConfig): number[] {
  return piecesToTokens(conversationPieces(conversation, config));
}

export function renderConversationText(
  conversation: Conversation,
  config?: RenderConversationConfig,
): string {
  return piecesToText(conversationPieces(conversation, config));
}

/** A prompt: the conversation, then `<|start|>` and `nextRole`, for the model to continue. */
export function renderConversationForCompletion(
  conversation: Conversation,
  nextRole: Role,
  config?: RenderConversationConfig,
): number[] {
  return piecesToTokens(completionPieces(conversation, nextRole, config));
}

export function renderConversationForCompletionText(
  conversation: Conversation,
  nextRole: Role,
  config?: RenderConversationConfig,
): string {
  return piecesToText(completionPieces(conversation, nextRole, config));
}

/** A training example: like renderConversation, but a closing final answer ends in `<|return|>`. */
export function renderConversationForTraining(
  conversation: Conversation,
  config?: RenderConversationConfig,
): number[] {
  return piecesToTokens(trainingPieces(conversation, config));
}

export function renderConversationForTrainingText(
  conversation: Conversation,
  config?: RenderConversationConfig,
): string {
  return piecesToText(trainingPieces(conversation, config));
}
