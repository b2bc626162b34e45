/**
 * A rendering is first a list of pieces, each either a text to encode or a special token id; token ids and
 * text are both derived from that one list, so they cannot disagree.
 *
 * Upstream encodes every text piece on its own (BPE merges never cross a piece boundary), so the boundaries
 * here are part of the format. Encodings of pieces are cached: roles, channels, recipients and whole
 * system/developer texts repeat on every render of a growing conversation, and so does its history.
 */
import { specialTokenText } from "./special-tokens.js";
import { encodeOrdinary } from "./tokenizer.js";

/** Text to encode with `encodeOrdinary`, or the id of a special token. */
export type Piece = string | number;

/** Longer texts are rare and cheap to re-encode relative to their size; caching them would crowd out the rest. */
const MAX_CACHED_LENGTH = 1 << 16;
/** Characters (plus a per-entry overhead) one generation may hold; at most two generations are alive. */
const GENERATION_BUDGET = 1 << 22;
const ENTRY_OVERHEAD = 64;

/**
 * Two generations approximate LRU without Map deletions (which made hits several times slower): hits in the
 * old generation move to the current one, and a full current generation retires the old one whole.
 */
let current = new Map<string, readonly number[]>();
let previous = new Map<string, readonly number[]>();
let currentSize = 0;

function remember(text: string, ids: readonly number[]): void {
  if (text.length > MAX_CACHED_LENGTH) return;
  if (currentSize >= GENERATION_BUDGET) {
    previous = current;
    current = new Map();
    currentSize = 0;
  }
  current.set(text, ids);
  currentSize += text.length + ENTRY_OVERHEAD;
}

function encodePiece(text: string): readonly number[] {
  const hit = current.get(text);
  if (hit !== undefined) return hit;
  const old = previous.get(text);
  const ids = old ?? encodeOrdinary(text);
  remember(text, ids);
  return ids;
}

/** Forget every cached encoding (tests use it to compare cold and warm renders). */
export function clearPieceCache(): void {
  current = new Map();
  previous = new Map();
  currentSize = 0;
}

export function piecesToTokens(pieces: readonly Piece[]): number[] {
  const out: number[] = [];
  for (const piece of pieces) {
    if (typeof piece === "number") {
      out.push(piece);
      continue;
    }
    if (piece === "") continue;
    const ids = encodePiece(piece);
    // A loop, not push(...ids): spreading a long content's ids can overflow the call stack.
    for (let i = 0; i < ids.length; i++) out.push(ids[i] as number);
  }
  return out;
}

export function piecesToText(pieces: readonly Piece[]): string {
  let out = "";
  for (const piece of pieces) out += typeof piece === "number" ? (specialTokenText(piece) as string) : piece;
  return out;
}
