/**
 * A plain byte-level BPE over o200k_base, used only for text that gpt-tokenizer gets wrong: text with U+0085 or
 * U+FEFF. Its pre-tokenizer uses JavaScript's `\s` (which has U+FEFF but not U+0085, unlike Rust's), and it
 * converts token bytes to strings with a TextDecoder that strips a leading U+FEFF, so it can never produce the
 * ten tokens that begin with EF BB BF (e.g. 5574). Slow (a rank map is built on first use) but exact: tested
 * against tiktoken on random text.
 */
import bpeRanks from "gpt-tokenizer/bpeRanks/o200k_base";

// The o200k pre-tokenizer with Rust regex semantics: `\s` is Unicode White_Space (which, unlike JavaScript's
// `\s`, has U+0085 and not U+FEFF), and `(?i:'s|…)` spelled out, since a JavaScript `i` flag would also fold
// the `\p{Lu}` classes.
const WS = "\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
const CONTRACTION = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?";
const UPPER = "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]";
const LOWER = "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]";
const SPLIT = new RegExp(
  [
    `[^\\r\\n\\p{L}\\p{N}]?${UPPER}*${LOWER}+${CONTRACTION}`,
    `[^\\r\\n\\p{L}\\p{N}]?${UPPER}+${LOWER}*${CONTRACTION}`,
    "\\p{N}{1,3}",
    ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*`,
    `[${WS}]*[\\r\\n]+`,
    `[${WS}]+(?![^${WS}])`,
    `[${WS}]+`,
  ].join("|"),
  "gu",
);

let ranks: Map<string, number> | undefined;

/** Token bytes as a latin1 string (one char per byte) → rank. */
function rankMap(): Map<string, number> {
  if (ranks) return ranks;
  ranks = new Map();
  const utf8 = new TextEncoder();
  bpeRanks.forEach((entry, rank) => {
    const bytes = typeof entry === "string" ? utf8.encode(entry) : Uint8Array.from(entry);
    ranks?.set(String.fromCharCode(...bytes), rank);
  });
  return ranks;
}

function bytePairEncode(piece: string, map: Map<string, number>): number[] {
  const whole = map.get(piece);
  if (whole !== undefined) return [whole];
  const parts = [...piece];
  for (;;) {
    let best = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i < parts.length - 1; i++) {
      const rank = map.get((parts[i] as string) + parts[i + 1]);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best < 0) break;
    parts.splice(best, 2, (parts[best] as string) + parts[best + 1]);
  }
  return parts.map((part) => map.get(part) as number);
}

export function encodeOrdinaryFallback(text: string): number[] {
  const map = rankMap();
  const utf8 = new TextEncoder();
  const out: number[] = [];
  for (const [piece] of text.matchAll(SPLIT)) {
    out.push(...bytePairEncode(String.fromCharCode(...utf8.encode(piece)), map));
  }
  return out;
}
