/**
 * Lenient parsing as one call: a completion — its text, or its token ids — in, the messages and the repairs
 * out (repairs.ts), whatever the completion holds. It never throws: malformed headers, a missing `<|end|>` or
 * `<|start|>`, stripped special tokens, stray or unknown tokens, output cut anywhere all become messages and
 * named repairs. Strict parsing (parseCompletionTokens, parseMessagesFromText) is untouched by it.
 */

import { readCompletion } from "./parse.js";
import type { ParsedMessage } from "./parser-types.js";
import type { Repair } from "./repairs.js";
import { TextStreamParser } from "./text-stream-parser.js";
import type { Message, Role } from "./types.js";

export interface LenientParseOptions {
  /** The role of the first message when the prompt ended in `<|start|>{role}` (usually `assistant`). */
  role?: Role;
  /**
   * Text only: put back special tokens a server stripped (`analysis…assistantfinal…`, stripped-tokens.ts).
   * Default: when the text looks stripped — it starts like a stripped header and either names a recipient or
   * goes on to another (`assistantfinal`, …) — so that an answer that merely begins with "analysis" stays one.
   */
  recoverStrippedTokens?: boolean;
}

export interface LenientParse {
  messages: Message[];
  /** The messages with the token that ended each (`eos`: the completion ended inside it). */
  parsedMessages: ParsedMessage[];
  /** What was recovered from, in order; empty for well-formed output. */
  repairs: Repair[];
}

/** Parse a completion leniently: messages and the repairs that were needed, never an error. */
export function parseLenient(
  completion: string | readonly number[],
  options: LenientParseOptions = {},
): LenientParse {
  const role = options.role !== undefined ? { role: options.role } : {};
  if (typeof completion === "string") {
    const parser = new TextStreamParser({
      ...role,
      strict: false,
      recoverStrippedTokens: options.recoverStrippedTokens ?? looksStripped(completion),
    });
    parser.push(completion).end();
    return { messages: parser.messages, parsedMessages: parser.parsedMessages, repairs: [...parser.repairs] };
  }
  return readCompletion(completion, { ...role, strict: false }, (parser) => ({
    messages: parser.messages,
    parsedMessages: parser.parsedMessages,
    repairs: [...parser.repairs],
  }));
}

/** A stripped header at the start: a channel word (after an optional role word) or ` to=NAME` before one. */
const STRIPPED_START =
  /^\s*(?:assistant)?(?:analysis|commentary|final| to=[^\s<]+?(?:analysis|commentary|final))/;
/** `<|end|><|start|>assistant<|channel|>…` stripped, or a recipient named after the channel. */
const STRIPPED_MORE =
  /assistant(?:analysis|commentary|final| to=)|^\s*(?:assistant)?(?:analysis|commentary|final) to=\S/;
const SPECIAL = /<\|(?:start|end|message|channel|constrain|return|call)\|>/;

function looksStripped(text: string): boolean {
  return !SPECIAL.test(text) && STRIPPED_START.test(text) && STRIPPED_MORE.test(text);
}
