import { TokenizerError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { CALL, END, START } from "./special-tokens.js";
import { decode, decodeUtf8, encodeOrdinary, encodeWithSpecialTokens, tokenBytes } from "./tokenizer.js";

describe("o200k_harmony tokenizer", () => {
  it("encodes the ids upstream documents", () => {
    expect(encodeOrdinary("hello world")).toEqual([24912, 2375]);
    expect(encodeOrdinary("assistant")).toEqual([173781]);
    expect(encodeOrdinary(" to=assistant")).toEqual([316, 28, 173781]);
    expect(encodeOrdinary("commentary")).toEqual([12606, 815]);
  });

  it("never turns text into special tokens", () => {
    expect(encodeOrdinary("<|start|>")).toEqual([27, 91, 5236, 91, 29]);
    expect(encodeOrdinary("<|endoftext|>").some((id) => id >= 199998)).toBe(false);
  });

  it("encodes special-token strings when asked, and decodes them back", () => {
    const ids = encodeWithSpecialTokens("<|start|>assistant<|message|>hi<|call|><|end|><|reserved_201088|>");
    expect(ids[0]).toBe(START);
    expect(ids).toContain(CALL);
    expect(ids).toContain(END);
    expect(ids.at(-1)).toBe(201088);
    expect(decodeUtf8(ids)).toBe("<|start|>assistant<|message|>hi<|call|><|end|><|reserved_201088|>");
  });

  it("rejects unknown ids with a typed error", () => {
    expect(() => tokenBytes(201089)).toThrow(TokenizerError);
    expect(() => tokenBytes(-1)).toThrow(/unknown token id -1/);
  });

  it("decodes invalid UTF-8 strictly or lossily", () => {
    const partial = encodeOrdinary("é").slice(0, 1);
    const bytes = tokenBytes(partial[0] as number);
    expect(bytes.length).toBeGreaterThan(0);
    // 9552 is one byte of a multi-byte character (upstream's own example).
    expect(() => decodeUtf8([9552])).toThrow(TokenizerError);
    expect(decode([9552])).toContain("\uFFFD");
  });
});
