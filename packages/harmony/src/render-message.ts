/** Rendering one message on its own (a conversation render adds what depends on the other messages). */
import { appendMessagePieces } from "./message-pieces.js";
import { type Piece, piecesToText, piecesToTokens } from "./render-pieces.js";
import type { Message } from "./types.js";

export interface RenderOptions {
  /**
   * Adds "Calls to these tools must go to the commentary channel: 'functions'." to a system message. Conversation
   * renders set it themselves (a developer message declares function tools); a lone message never has it.
   */
  conversationHasFunctionTools?: boolean;
}

function messagePieces(message: Message, options: RenderOptions | undefined): Piece[] {
  const pieces: Piece[] = [];
  appendMessagePieces(pieces, message, options?.conversationHasFunctionTools === true, () => "message");
  return pieces;
}

/** One message as token ids; no analysis dropping, and no function-tools line unless `options` asks for it. */
export function renderMessage(message: Message, options?: RenderOptions): number[] {
  return piecesToTokens(messagePieces(message, options));
}

/** The same rendering as text, special tokens spelled out (`<|start|>user<|message|>…<|end|>`). */
export function renderMessageText(message: Message, options?: RenderOptions): string {
  return piecesToText(messagePieces(message, options));
}
