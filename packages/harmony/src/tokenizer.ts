/**
 * The o200k_harmony tokenizer: o200k_base BPE (ranks and pre-tokenizer from `gpt-tokenizer`, bundled, so no
 * network at run time) plus harmony's special-token table.
 *
 * Why gpt-tokenizer: measured on the harmony vectors + a field report (npm run bench:tokenizers), it encodes
 * ~1.26 M tok/s against ~0.46 for tiktoken's WASM and ~0.29 for js-tiktoken, with identical ids, and it loads in
 * milliseconds. Its own o200k_harmony does not know harmony's special table, so we only use ordinary encoding
 * and keep the specials here.
 */

import { TokenizerError } from "@overtone/errors";
import bpeRanks from "gpt-tokenizer/bpeRanks/o200k_base";
import { encode as encodeO200k } from "gpt-tokenizer/encoding/o200k_base";
import { encodeOrdinaryFallback } from "./bpe-fallback.js";
import { isSpecialToken, NUM_TOKENS, specialTokenId, specialTokenText } from "./special-tokens.js";

/**
 * Text gpt-tokenizer encodes differently from tiktoken: its pre-tokenizer's JavaScript `\s` has U+FEFF and lacks
 * U+0085 (Rust's has it the other way round), and it strips a leading U+FEFF from token bytes.
 */
const NEEDS_FALLBACK = /[\u0085\uFEFF]/;
const NO_SPECIALS = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/**
 * Encode text as ordinary text: special-token strings inside it (a user typing `<|start|>`) become plain text
 * tokens, so text can never forge a message boundary.
 */
export function encodeOrdinary(text: string): number[] {
  if (text === "") return [];
  if (NEEDS_FALLBACK.test(text)) return encodeOrdinaryFallback(text);
  return encodeO200k(text, NO_SPECIALS);
}

const SPECIAL_PATTERN =
  /<\|(?:startoftext|endoftext|return|constrain|channel|start|end|message|call|reserved_\d{6})\|>/g;

/** Encode text in which special-token strings stand for themselves (tiktoken's `allowed_special="all"`). */
export function encodeWithSpecialTokens(text: string): number[] {
  const out: number[] = [];
  let last = 0;
  for (const match of text.matchAll(SPECIAL_PATTERN)) {
    const id = specialTokenId(match[0]);
    if (id === undefined) continue; // e.g. <|reserved_300000|>: not a token, stays text
    out.push(...encodeOrdinary(text.slice(last, match.index)), id);
    last = match.index + match[0].length;
  }
  out.push(...encodeOrdinary(text.slice(last)));
  return out;
}

/**
 * Each token's bytes, encoded on first use and kept. Building all 201,088 up front took ~0.1 s at the first
 * decode, which every CLI run paid before its first answer token; a reply uses a few thousand distinct tokens.
 */
const pieces: (Uint8Array | undefined)[] = new Array(NUM_TOKENS);
const utf8 = new TextEncoder();

function pieceOf(id: number): Uint8Array {
  const special = specialTokenText(id);
  if (special !== undefined) return utf8.encode(special);
  const rank = bpeRanks[id];
  if (typeof rank === "string") return utf8.encode(rank);
  return Array.isArray(rank) ? Uint8Array.from(rank) : new Uint8Array(0);
}

/** True if `id` is a token of o200k_harmony (0..201088). */
export function isKnownToken(id: number): boolean {
  return (
    Number.isInteger(id) && id >= 0 && id < NUM_TOKENS && (isSpecialToken(id) || bpeRanks[id] !== undefined)
  );
}

/** The bytes of one token (shared: do not modify). Special tokens give their text. */
export function tokenBytes(id: number): Uint8Array {
  if (!isKnownToken(id)) {
    throw new TokenizerError(`unknown token id ${id}: o200k_harmony has ids 0..${NUM_TOKENS - 1}`, {
      token: id,
    });
  }
  let piece = pieces[id];
  if (piece === undefined) {
    piece = pieceOf(id);
    pieces[id] = piece;
  }
  return piece;
}

export function decodeBytes(tokens: readonly number[]): Uint8Array {
  let length = 0;
  for (const id of tokens) length += tokenBytes(id).length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const id of tokens) {
    const piece = tokenBytes(id);
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

// ignoreBOM: a leading U+FEFF is content (token 5574), not a byte-order mark to strip.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Decode to text; throws a TokenizerError if the bytes are not valid UTF-8 (upstream's `decode_utf8`). */
export function decodeUtf8(tokens: readonly number[]): string {
  const bytes = decodeBytes(tokens);
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw new TokenizerError(`tokens [${tokens.join(", ")}] do not decode to valid UTF-8`, {
      hint: "decode them with decode() to get U+FFFD for the invalid bytes",
      cause: error,
    });
  }
}

/** Decode to text, replacing invalid UTF-8 with U+FFFD (upstream's `decode(errors="replace")`). */
export function decode(tokens: readonly number[]): string {
  return lossyUtf8.decode(decodeBytes(tokens));
}
