/**
 * From a header's tokens to the message it opens: decoding and parsing as upstream's parser does when
 * `<|message|>` closes the header (with its error texts), and Overtone's non-strict reading of a header that began
 * without `<|start|>`. Headers that upstream cannot read at all are lenient-header.ts's.
 */
import type { HeaderParse } from "./header.js";
import {
  CHANNEL_MARKER,
  isRustWhitespace,
  knownRole,
  parseHeaderText,
  rustDebugString,
  rustTrim,
} from "./header.js";
import type { MessageHeader } from "./parser-types.js";
import { NUM_TOKENS } from "./special-tokens.js";
import { learnToken, tokenTable } from "./token-table.js";
import { decodeUtf8 } from "./tokenizer.js";
import type { Author, Message, Role } from "./types.js";

export type HeaderRead =
  | { ok: true; header: MessageHeader }
  | {
      ok: false;
      error: string /** words were left over: the malformed header strict: false may recover */;
      leftover: boolean;
    };

function authorOf(header: MessageHeader): Author {
  return header.name === undefined ? { role: header.role } : { role: header.role, name: header.name };
}

/** A header as upstream's `state_json` shows it: every field, null where absent. */
export function headerJson(header: MessageHeader): Record<string, unknown> {
  return {
    author: authorOf(header),
    recipient: header.recipient ?? null,
    channel: header.channel ?? null,
    content_type: header.content_type ?? null,
  };
}

export function messageFromHeader(header: MessageHeader, text: string): Message {
  return {
    author: authorOf(header),
    ...(header.recipient !== undefined ? { recipient: header.recipient } : {}),
    content: [{ type: "text", text }],
    ...(header.channel !== undefined ? { channel: header.channel } : {}),
    ...(header.content_type !== undefined ? { content_type: header.content_type } : {}),
  };
}

/**
 * The header `<|message|>` closed. `withoutStart` (non-strict only): it began without `<|start|>`, so it is read
 * by `parseHeaderWithoutStart` instead of with `role`.
 */
export function readHeader(
  tokens: readonly number[],
  role: Role | undefined,
  withoutStart: boolean,
): HeaderRead {
  let text: string | undefined = headerTextFast(tokens);
  if (text === undefined) {
    try {
      text = decodeUtf8(tokens);
    } catch {
      return { ok: false, error: "could not decode header", leftover: false };
    }
  }
  const parsed: HeaderParse = withoutStart
    ? parseHeaderWithoutStart(text)
    : parseHeaderText(text, role, true);
  if (!parsed.ok) return { ok: false, error: parsed.error, leftover: false };
  if (parsed.remaining === undefined) return { ok: true, header: parsed.header };
  return {
    ok: false,
    error: `unexpected tokens remaining in message header: Some(${rustDebugString(parsed.remaining)})`,
    leftover: true,
  };
}

/**
 * A header's text from the parser's token table when every token is whole text on its own (nearly always:
 * `assistant`, `<|channel|>`, `final`, ` to=…`), which is exactly what decoding their joined bytes gives; undefined
 * otherwise, and the caller decodes strictly.
 */
function headerTextFast(tokens: readonly number[]): string | undefined {
  const { texts } = tokenTable();
  let text = "";
  for (const token of tokens) {
    let piece = token >= 0 && token < NUM_TOKENS ? texts[token] : undefined;
    if (piece === undefined && learnToken(token)) piece = texts[token];
    if (typeof piece !== "string") return undefined;
    text += piece;
  }
  return text;
}

/**
 * Overtone's non-strict reading of a header that began without `<|start|>` (the model skipped it after
 * `<|end|>`/`<|call|>`, openai/harmony#60/#68): `assistant<|channel|>…` keeps its role word; otherwise the
 * message is the assistant's, and a leading bare word is the channel it forgot to mark
 * (`commentary to=functions.x <|constrain|>json`).
 */
export function parseHeaderWithoutStart(text: string): HeaderParse {
  const trimmed = rustTrim(text);
  let wordEnd = 0;
  while (wordEnd < trimmed.length) {
    const code = trimmed.charCodeAt(wordEnd);
    if (code === 0x3c || isRustWhitespace(code)) break;
    wordEnd++;
  }
  const firstWord = trimmed.slice(0, wordEnd);
  if (knownRole(firstWord) !== undefined) return parseHeaderText(text, undefined, true);
  const unmarkedChannel =
    firstWord !== "" && !firstWord.startsWith("to=") && !trimmed.includes(CHANNEL_MARKER);
  return parseHeaderText(unmarkedChannel ? CHANNEL_MARKER + trimmed : text, "assistant", true);
}
