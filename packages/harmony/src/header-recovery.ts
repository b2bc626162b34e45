/**
 * What the lenient token parser (streamable-parser.ts, strict: false) makes of a header upstream would reject,
 * as pure decisions on the header's tokens: the header read word by word (lenient-header.ts) with the repairs its
 * tokens needed first, and, for a header a stop token or the end of the output closed before any `<|message|>`,
 * the message that can still be recovered from it. The parser applies the result to its state and events.
 */
import { messageFromHeader } from "./header-tokens.js";
import {
  decodeHeaderTokens,
  type HeaderEnd,
  type LenientHeader,
  type LenientHeaderOptions,
  readLenientHeader,
} from "./lenient-header.js";
import type { MessageHeader, ParsedMessage, Terminator } from "./parser-types.js";
import { type Repair, repair } from "./repairs.js";
import { specialTokenText } from "./special-tokens.js";

/** Where the header stood: the role the prompt named and how the header began. */
export type HeaderContext = Omit<LenientHeaderOptions, "end">;

/** A header's tokens read leniently; `decoded` are the repairs its tokens needed (unknown ids, bad UTF-8). */
export function readHeaderLeniently(
  tokens: readonly number[],
  context: HeaderContext,
  end: HeaderEnd,
): LenientHeader & { decoded: Repair[] } {
  const decoded = decodeHeaderTokens(tokens);
  return { ...readLenientHeader(decoded.text, { ...context, end }), decoded: decoded.repairs };
}

export interface RecoveredHeader {
  /** In the order they happened. */
  repairs: Repair[];
  /** The message the header still holds, when it holds one. */
  recovered?: { header: MessageHeader; parsed: ParsedMessage };
}

/**
 * A header closed by a stop token or the end of the output that never got its `<|message|>`. As upstream v0.0.8
 * does for the first message, its words after channel and role become the content (kept as written); Overtone
 * does the same (as the assistant's) for later messages, which upstream drops. A header the output ended in that
 * holds no text is dropped, and so is one with nothing readable in it.
 */
export function recoverFromHeader(
  tokens: readonly number[],
  context: HeaderContext,
  end: Exclude<HeaderEnd, "message">,
  terminator: Terminator,
): RecoveredHeader {
  const written = decodeHeaderTokens(tokens).text.trim();
  if (written === "") return { repairs: [] };
  const read = readHeaderLeniently(tokens, context, end);
  const said = read.text !== "" || read.header.channel !== undefined || read.header.recipient !== undefined;
  if (end === "eos" && read.text === "")
    return { repairs: [...read.decoded, repair("cut-mid-header", written)] };
  // Only markup or junk, no channel, no recipient: there is no message to keep.
  if (!said) return { repairs: [...read.decoded, repair("stray-token", written)] };
  return {
    repairs: [...read.decoded, ...read.repairs],
    recovered: {
      header: read.header,
      parsed: { message: messageFromHeader(read.header, read.text), terminator },
    },
  };
}

/** A stray special or unknown token, dropped: `where` says where it stood. */
export function strayToken(token: number, where: string): Repair {
  return repair("stray-token", `${specialTokenText(token) ?? `unknown token id ${token}`} ${where}`);
}
