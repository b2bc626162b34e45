/**
 * Overtone's o200k ordinary encoding against tiktoken's (the Rust core compiled to WASM, a dev-only oracle) on
 * random text built from the characters where tokenizers tend to differ: byte-order marks, NEL, every kind of
 * Unicode space, contractions in any case, digits, CJK, combining marks, emoji and surrogate pairs.
 */
import fc from "fast-check";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { encodeOrdinaryFallback } from "../../packages/harmony/src/bpe-fallback.js";
import { decode, encodeOrdinary } from "../../packages/harmony/src/tokenizer.js";

const tiktoken = get_encoding("o200k_base");
afterAll(() => tiktoken.free());

const ALPHABET = [
  ..."aZ'sStTrReEvVmMlLdD09 \t\n\r/.,!?-_<|>{}\"",
  "\uFEFF",
  "\u0085",
  "\u00A0",
  "\u2028",
  "\u3000",
  "\u200B",
  "\u0301",
  "é",
  "ß",
  "我",
  "想",
  "🚀",
  "🦙",
  "é",
  "Ǆ",
  "ǅ",
  "\u202F",
];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }).map((chars) => chars.join(""));
const SEED = 20261122;

describe("o200k ordinary encoding equals tiktoken's", () => {
  it("on random tricky text (gpt-tokenizer path with the U+FEFF fallback)", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(encodeOrdinary(s)).toEqual(Array.from(tiktoken.encode_ordinary(s)));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("on random tricky text through the fallback BPE alone", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(encodeOrdinaryFallback(s)).toEqual(Array.from(tiktoken.encode_ordinary(s)));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("on random Unicode text, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (s) => {
        expect(encodeOrdinary(s)).toEqual(Array.from(tiktoken.encode_ordinary(s)));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("keeps a leading U+FEFF when decoding", () => {
    expect(encodeOrdinary("\uFEFF")).toEqual([5574]);
    expect(decode([5574, 24912])).toBe("\uFEFFhello");
  });
});
