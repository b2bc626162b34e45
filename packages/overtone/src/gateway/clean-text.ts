/**
 * The last guard against Harmony markup in what the gateway sends (gateway.md §8 rule 15). Backends parse
 * Harmony into parts, so a reply's text should never hold `<|channel|>` and the like; but a server that leaked
 * a header into its content (vllm#32587, ollama#11704) or a model that wrote one as text would pass it on.
 *
 * Only Harmony's own special-token strings are removed (`<|start|>`, `<|channel|>`, `<|message|>`, `<|end|>`,
 * `<|call|>`, `<|return|>`, `<|constrain|>`, `<|startoftext|>`, `<|endoftext|>`, `<|reserved_NNNNNN|>`), and a
 * whole leaked header with them (`<|start|>assistant<|channel|>final<|message|>`), so that no `assistantfinal`
 * is left behind. Ordinary text is never touched: `a <| b`, `<|im_start|>` or the word "assistantfinal" written
 * without markup stay as they are (guessing at stripped headers is the backends' job, stripped-tokens.ts).
 * A tool call's name gets the same guard (`functionName`), for all three protocols.
 */
import { toolName } from "../backends/gpt-oss-profile.js";

/** The longest header text kept back while waiting for its `<|message|>` (role, recipient, channel, type). */
const MAX_HEADER_CHARS = 160;

const TOKEN = "(?:start|end|message|channel|constrain|return|call|startoftext|endoftext|reserved_\\d{6})";
/** A header: `<|start|>` or `<|channel|>`, then header text without another message boundary, `<|message|>`. */
const HEADER = new RegExp(
  `(?:<\\|start\\|>|<\\|channel\\|>)(?:(?!<\\|(?:start|end|return|call|message)\\|>)[\\s\\S]){0,${MAX_HEADER_CHARS}}?<\\|message\\|>`,
  "g",
);
const SPECIAL = new RegExp(`<\\|${TOKEN}\\|>`, "g");
/** Tokens after which no header is open any more. */
const CLOSER = /<\|(?:message|end|return|call)\|>/g;
const OPENER = /<\|(?:start|channel)\|>/g;
/** A string that may still grow into a special token: `<`, `<|`, `<|chan`, `<|channel|`. */
const TOKEN_PREFIX = /^<(?:\|[a-z_0-9]{0,20}\|?)?$/;

/** `text` without Harmony special tokens and leaked headers. */
export function withoutHarmonyMarkup(text: string): string {
  if (!text.includes("<|")) return text;
  return text.replace(HEADER, "").replace(SPECIAL, "");
}

/**
 * A call's function name as clients see it: `functions.get_weather` → `get_weather` (other namespaces keep
 * theirs), anything from a leaked `<|` on cut off (servers have leaked markup into names, vllm#32587).
 */
export function functionName(recipient: string): string {
  return toolName(recipient)
    .replace(/<\|.*$/s, "")
    .trim();
}

/**
 * withoutHarmonyMarkup for text that arrives in pieces: a token or header split across deltas is held back
 * until it is complete (or clearly is not one), so it cannot slip through in halves. One filter per message.
 */
export class MarkupFilter {
  private held = "";

  /** The clean text that can be sent now. */
  push(delta: string): string {
    const text = this.held + delta;
    const keep = holdFrom(text);
    this.held = text.slice(keep);
    return withoutHarmonyMarkup(text.slice(0, keep));
  }

  /** The rest, at the end of the message. */
  flush(): string {
    const rest = withoutHarmonyMarkup(this.held);
    this.held = "";
    return rest;
  }
}

/** Where the part of `text` that may still become markup begins (`text.length` when none may). */
function holdFrom(text: string): number {
  if (!text.includes("<")) return text.length;
  let hold = text.length;
  let closed = 0;
  for (const match of text.matchAll(CLOSER)) closed = match.index + match[0].length;
  OPENER.lastIndex = closed;
  const open = OPENER.exec(text);
  // +11: the opener itself (`<|channel|>`); past that length the header regex would not take it either.
  if (open !== null && text.length - open.index <= MAX_HEADER_CHARS + 11) hold = open.index;
  const lt = text.lastIndexOf("<");
  if (lt >= 0 && lt < hold && TOKEN_PREFIX.test(text.slice(lt))) hold = lt;
  return hold;
}
