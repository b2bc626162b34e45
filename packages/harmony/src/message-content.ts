/**
 * The content of the message being streamed, decoded token by token exactly as upstream's `StreamableParser`
 * does (spec §7.4): valid text is emitted at once; an invalid byte sequence becomes one U+FFFD and the bytes
 * after it wait for the next token; a cut-short sequence waits; an unknown token id silences the rest of the
 * message, which then ends in a single U+FFFD.
 *
 * What was emitted is kept as UTF-8 bytes (U+FFFD as EF BF BD), with the end of each emitted piece: one decode
 * gives the text, where joining thousands of small strings would cost more than all the parsing.
 */
import { FIRST_SPECIAL_TOKEN, NUM_TOKENS } from "./special-tokens.js";
import { learnToken, tokenTable } from "./token-table.js";
import { encodeOrdinary } from "./tokenizer.js";
import { decodeUtf8Lossy, decodeValidUtf8, scanUtf8, UTF8_INCOMPLETE, UTF8_VALID } from "./utf8-stream.js";

const REPLACEMENT = "\uFFFD";
const REPLACEMENT_BYTES = Uint8Array.of(0xef, 0xbf, 0xbd);

export class MessageContent {
  /** The UTF-8 of everything emitted. */
  private bytes: Uint8Array = new Uint8Array(4096);
  private byteCount = 0;
  /**
   * Where each emitted piece ends: a piece is the text of one `render_text_into` call upstream makes, which its
   * `content_tokens` re-encode one by one.
   */
  private pieceEnds = new Uint32Array(1024);
  private pieceCount = 0;
  private decoded = "";
  private decodedBytes = 0;
  /** Bytes not yet emitted: an unfinished sequence, or what followed an invalid one. */
  private pending: Uint8Array = new Uint8Array(64);
  private pendingLength = 0;
  /** Upstream keeps an undecodable token and everything after it undecoded until the message ends. */
  private sawUnknownToken = false;

  /** Feed one content token; returns upstream's `last_content_delta` (undefined = `None`). */
  push(token: number): string | undefined {
    if (this.sawUnknownToken) return undefined;
    const table = tokenTable();
    let text = token >= 0 && token < NUM_TOKENS ? table.texts[token] : undefined;
    if (text === undefined) {
      if (!learnToken(token)) {
        this.sawUnknownToken = true;
        return undefined;
      }
      text = table.texts[token];
    }
    const start = table.starts[token] as number;
    const length = table.lengths[token] as number;
    if (typeof text === "string" && this.pendingLength === 0) {
      this.emitBytes(table.bytes, start, start + length);
      return text;
    }
    this.pending = appendTo(this.pending, this.pendingLength, table.bytes, start, length);
    this.pendingLength += length;
    return this.emitPending();
  }

  /**
   * Feed `tokens[from..)` up to the first that is a special token or whose bytes are not text on their own, as
   * `push` would one by one (same bytes, same pieces), without computing each delta; returns where it stopped.
   * The one-shot parse spends most of its time here, so this is `push`'s common case as one tight loop.
   */
  pushWholeTokens(tokens: readonly number[], from: number): number {
    if (this.sawUnknownToken || this.pendingLength !== 0) return from;
    const table = tokenTable();
    const { texts, starts, lengths } = table;
    const arena = table.bytes;
    let bytes = this.bytes;
    let at = this.byteCount;
    let pieceEnds = this.pieceEnds;
    let pieces = this.pieceCount;
    let i = from;
    for (; i < tokens.length; i++) {
      const token = tokens[i] as number;
      // Special tokens go through `push` one by one: the stop tokens end the message, and a lenient parser
      // ends it at `<|start|>` or `<|channel|>` too (streamable-parser.ts).
      if (!(token >= 0 && token < FIRST_SPECIAL_TOKEN) || typeof texts[token] !== "string") break;
      const start = starts[token] as number;
      const end = start + (lengths[token] as number);
      if (at + (end - start) > bytes.length) bytes = grow(bytes, at + (end - start));
      for (let k = start; k < end; k++) bytes[at++] = arena[k] as number;
      if (pieces === pieceEnds.length) pieceEnds = growPieces(pieceEnds);
      pieceEnds[pieces++] = at;
    }
    this.bytes = bytes;
    this.byteCount = at;
    this.pieceEnds = pieceEnds;
    this.pieceCount = pieces;
    return i;
  }

  /** Emit what of the pending bytes upstream would emit now, as in its `String::from_utf8` error handling. */
  private emitPending(): string | undefined {
    const scan = scanUtf8(this.pending, 0, this.pendingLength);
    const valid = Math.floor(scan / 8);
    const kind = scan % 8;
    if (kind === UTF8_VALID) {
      const text = decodeValidUtf8(this.pending, 0, this.pendingLength);
      this.emitBytes(this.pending, 0, this.pendingLength);
      this.pendingLength = 0;
      return text;
    }
    let delta = "";
    if (valid > 0) {
      delta = decodeValidUtf8(this.pending, 0, valid);
      this.emitBytes(this.pending, 0, valid);
    }
    let consumed = valid;
    if (kind !== UTF8_INCOMPLETE) {
      this.emitBytes(REPLACEMENT_BYTES, 0, 3);
      delta += REPLACEMENT;
      consumed += kind;
    }
    this.pending.copyWithin(0, consumed, this.pendingLength);
    this.pendingLength -= consumed;
    return delta === "" ? undefined : delta;
  }

  /** Record `source[start..end)` as one emitted piece. */
  private emitBytes(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.byteCount + length > this.bytes.length) this.bytes = grow(this.bytes, this.byteCount + length);
    const bytes = this.bytes;
    let at = this.byteCount;
    for (let i = start; i < end; i++) bytes[at++] = source[i] as number;
    this.byteCount = at;
    if (this.pieceCount === this.pieceEnds.length) this.pieceEnds = growPieces(this.pieceEnds);
    this.pieceEnds[this.pieceCount++] = at;
  }

  /** Everything emitted so far (upstream's `current_content`). */
  text(): string {
    if (this.decodedBytes < this.byteCount) {
      this.decoded += decodeValidUtf8(this.bytes, this.decodedBytes, this.byteCount);
      this.decodedBytes = this.byteCount;
    }
    return this.decoded;
  }

  /** upstream's `content_tokens`: each emitted piece re-encoded on its own. */
  contentTokens(): number[] {
    const tokens: number[] = [];
    let start = 0;
    for (let i = 0; i < this.pieceCount; i++) {
      const end = this.pieceEnds[i] as number;
      tokens.push(...encodeOrdinary(decodeValidUtf8(this.bytes, start, end)));
      start = end;
    }
    return tokens;
  }

  /** The message's final text (emitted + U+FFFD for undecodable tokens + the pending bytes, lossily); resets. */
  finish(): string {
    const pendingText = decodeUtf8Lossy(this.pending, 0, this.pendingLength);
    const text = this.text() + (this.sawUnknownToken ? REPLACEMENT : "") + pendingText;
    this.reset();
    return text;
  }

  reset(): void {
    this.byteCount = 0;
    this.pieceCount = 0;
    this.decoded = "";
    this.decodedBytes = 0;
    this.pendingLength = 0;
    this.sawUnknownToken = false;
  }
}

function grow(bytes: Uint8Array, needed: number): Uint8Array {
  const grown = new Uint8Array(Math.max(needed, bytes.length * 2));
  grown.set(bytes);
  return grown;
}

function growPieces(ends: Uint32Array) {
  const grown = new Uint32Array(ends.length * 2);
  grown.set(ends);
  return grown;
}

/** `target` with `source[start..start+length)` written at `at`, grown first if needed. */
function appendTo(
  target: Uint8Array,
  at: number,
  source: Uint8Array,
  start: number,
  length: number,
): Uint8Array {
  const out = at + length > target.length ? grow(target, at + length) : target;
  for (let i = 0; i < length; i++) out[at + i] = source[start + i] as number;
  return out;
}
