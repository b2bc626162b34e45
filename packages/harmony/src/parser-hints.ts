/**
 * The hints of the parsers' errors: what to do next, in the library's option words (`role: 'assistant'`,
 * `strict: false`, `recoverStrippedTokens: true`; the CLI turns them into its flags). They depend on where the
 * parse stood, because the same upstream error text has different causes: a hint must never suggest what the
 * caller already did, nor speak of "every message after the first" about the first.
 */
import { CHANNEL } from "./special-tokens.js";

/** Words were left in a header before `<|message|>`: often a message whose `<|message|>` the model skipped. */
export const LEFTOVER_HINT = "strict: false recovers messages that lack <|message|>";

/** Strict parsing met `token` where a message must begin with `<|start|>`; `first`: before any message. */
export function missingStartHint(token: number, first: boolean): string {
  if (!first) return "every message after the first must begin with <|start|>; strict: false recovers";
  // What a model generates after a prompt ending in `<|start|>assistant` is the rest of that header,
  // `<|channel|>…`: the parser has to be told whose header it is.
  if (token === CHANNEL) {
    return "output after a prompt that ended in <|start|>assistant begins with <|channel|>: pass role: 'assistant'";
  }
  return "the first message must begin with <|start|>; strict: false recovers";
}

/** The input ended inside a header; `roleGiven`: the caller passed `role`, and this is still the first header. */
export function unfinishedHeaderHint(roleGiven: boolean): string {
  if (roleGiven) {
    return "the output ended before the first header's <|message|>: it was cut short, or its special tokens were lost";
  }
  // Most often the prompt itself, ending in `<|start|>assistant`, was handed to the parser.
  return "parse only the completion; if the prompt ended in <|start|>assistant, pass role: 'assistant' instead";
}

/**
 * Text that ended without a single special token, parsed without stripped-token recovery: the shape of output
 * from a server that skips special tokens when it detokenizes (stripped-tokens.ts), which role and strictness
 * cannot fix.
 */
export function strippedTokensHint(): string {
  return "the text holds no special token: if a server stripped them (analysis…assistantfinal…), recoverStrippedTokens: true puts them back";
}
