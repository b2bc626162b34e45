import { describe, expect, it } from "vitest";
import { hfMerges, hfTokenStrings, packTokens } from "./tiktoken-to-hf.js";

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("hfTokenStrings", () => {
  it("maps bytes through GPT-2's bytes_to_unicode", () => {
    const packed = packTokens([bytesOf(" a"), Uint8Array.of(0x00, 0x7f, 0xad, 0xff), bytesOf("!~¡¬®")]);
    // space → Ġ (U+0120); 0x00 → Ā (U+0100); 0x7f → ġ; 0xad → Ń; printable Latin-1 stays itself.
    expect(hfTokenStrings(packed)).toEqual(["Ġa", "ĀġŃÿ", "!~¡¬®"]);
  });
});

describe("hfMerges", () => {
  it("lists each token's splits into two tokens, by (rank of left, rank of right), tokens in rank order", () => {
    // rank:          0    1    2    3     4     5      6     7
    const texts = ["a", "b", " ", "ab", "ba", "aba", " a", "abab"];
    const packed = packTokens(texts.map(bytesOf));
    const merges = hfMerges(packed, hfTokenStrings(packed));
    expect(merges).toEqual([
      "a b", // ab
      "b a", // ba
      "a ba", // aba: a|ba (0, 4) before ab|a (3, 0)
      "ab a",
      "Ġ a", // " a"
      "ab ab", // abab: ab|ab (3, 3) before aba|b (5, 1); a|bab is not a split ("bab" is no token)
      "aba b",
    ]);
  });

  it("skips splits whose halves are not both tokens", () => {
    const packed = packTokens(["x", "xyz", "yz"].map(bytesOf));
    // "xyz": x|yz is a split; xy|z is not ("xy" and "z" are not tokens).
    expect(hfMerges(packed, hfTokenStrings(packed))).toEqual(["x yz"]);
  });
});
