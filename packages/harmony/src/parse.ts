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

/**
 * The parser of the last call, reused for its buffers (allocating them costs as much as parsing a few hundred
 * tokens): a parse runs to its end synchronously and calls no code of the caller's, so no two calls share it.
 * Kept only after modest completions, so one huge completion does not pin its buffers in memory.
 */
let spare: StreamableParser | undefined;
const KEEP_SPARE_UP_TO = 1 << 14;

/** Parse a whole completion (upstream's `parse_messages_from_completion_tokens`), with each message's ending. */
export function parseCompletionTokens(
  tokens: readonly number[],
  options: ParseCompletionOptions = {},
): ParsedMessage[] {
  return readCompletion(tokens, options, (parser) => parser.parsedMessages);
}

/** `read` of a parser that parsed all of `tokens` to the end (the spare one when there is one; see above). */
export function readCompletion<T>(
  tokens: readonly number[],
  options: ParseCompletionOptions,
  read: (parser: StreamableParser) => T,
): T {
  const parser = spare?.restart(options) ?? new StreamableParser(options);
  spare = undefined;
  const result = read(parser.processAll(tokens).processEos());
  if (tokens.length <= KEEP_SPARE_UP_TO) spare = parser;
  return result;
}

/** upstream's `parse_messages_from_completion_tokens(tokens, role, strict)`. */
export function parseMessagesFromCompletionTokens(
  tokens: readonly number[],
  options: ParseCompletionOptions = {},
): Message[] {
  return parseCompletionTokens(tokens, options).map((parsed) => parsed.message);
}
