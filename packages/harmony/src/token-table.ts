/**
 * What the streaming parser needs to know of each token id, learned the first time the id is seen and shared by
 * every parser: its bytes (copied into one arena, so reading them allocates nothing) and, when those bytes are
 * valid UTF-8 on their own, its text (so the common content token costs an array read, not a decode).
 */
import { NUM_TOKENS } from "./special-tokens.js";
import { isKnownToken, tokenBytes } from "./tokenizer.js";
import { scanUtf8, UTF8_VALID } from "./utf8-stream.js";

/** TextDecoder gives flat strings (hand-built ones can be ropes), which are cheaper to reuse. */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

export interface TokenTable {
  /** The token's text; null when its bytes are only part of a character; undefined until learned. */
  readonly texts: (string | null | undefined)[];
  /** Where a learned token's bytes start in `bytes`, and how many there are (at most 128 in o200k). */
  readonly starts: Int32Array;
  readonly lengths: Uint8Array;
  /** The arena; replaced by a larger copy when it fills, so read it through the table each time. */
  bytes: Uint8Array;
  used: number;
}

let table: TokenTable | undefined;

export function tokenTable(): TokenTable {
  if (table) return table;
  // Filled by push so V8 keeps a packed array; `new Array(n)` of this size would be a slow dictionary.
  const texts: (string | null | undefined)[] = [];
  for (let id = 0; id < NUM_TOKENS; id++) texts.push(undefined);
  table = {
    texts,
    starts: new Int32Array(NUM_TOKENS),
    lengths: new Uint8Array(NUM_TOKENS),
    bytes: new Uint8Array(1 << 16),
    used: 0,
  };
  return table;
}

/** Learn a token (if not yet known to the table); false if it is no token of o200k_harmony. */
export function learnToken(token: number): boolean {
  const known = tokenTable();
  if (!(token >= 0 && token < NUM_TOKENS)) return false;
  if (known.texts[token] !== undefined) return true;
  if (!isKnownToken(token)) return false;
  const bytes = tokenBytes(token);
  if (known.used + bytes.length > known.bytes.length) {
    const grown = new Uint8Array(known.bytes.length * 2);
    grown.set(known.bytes.subarray(0, known.used));
    known.bytes = grown;
  }
  known.bytes.set(bytes, known.used);
  known.starts[token] = known.used;
  known.lengths[token] = bytes.length;
  known.used += bytes.length;
  const whole = scanUtf8(bytes, 0, bytes.length) % 8 === UTF8_VALID;
  known.texts[token] = whole ? decoder.decode(bytes) : null;
  return true;
}
