/**
 * One-shot parsing of a completion: upstream's `parse_messages_from_completion_tokens` (a parser fed every
 * token, then EOS), and the same with the token that ended each message.
 */
import type { ParsedMessage } from "./parser-types.js";
import { StreamableParser } from "./streamable-parser.js";
import type { Message, Role } from "./types.js";

export interface ParseCompletionOptions {
  /** The role of the first message when the prompt ended in `<|start|>{role}` (usually `assistant`). */
  role?: Role;
  /** true (default): upstream's strict parsing. false: recover from malformed output (see StreamableParser). */
  strict?: boolean;
}

/** Parse a whole completion (upstream's `parse_messages_from_completion_tokens`), with each message's ending. */
export function parseCompletionTokens(
  tokens: readonly number[],
  options: ParseCompletionOptions = {},
): ParsedMessage[] {
  const parser = new StreamableParser(options);
  for (const token of tokens) parser.process(token);
  return parser.processEos().parsedMessages;
}

/** upstream's `parse_messages_from_completion_tokens(tokens, role, strict)`. */
export function parseMessagesFromCompletionTokens(
  tokens: readonly number[],
  options: ParseCompletionOptions = {},
): Message[] {
  return parseCompletionTokens(tokens, options).map((parsed) => parsed.message);
}
