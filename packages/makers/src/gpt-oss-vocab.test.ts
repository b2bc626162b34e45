import { specialTokenId } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  GPT_OSS_BOS_ID,
  GPT_OSS_EOS_ID,
  GPT_OSS_MERGE_COUNT,
  GPT_OSS_PAD_ID,
  GPT_OSS_VOCAB_SIZE,
  loadGptOssVocab,
  TOKEN_TYPE,
} from "./gpt-oss-vocab.js";

describe("loadGptOssVocab", () => {
  it("has the model's 201,088 rows and the 446,189 merges", async () => {
    const v = await loadGptOssVocab();
    expect(v.tokens.length).toBe(GPT_OSS_VOCAB_SIZE);
    expect(v.tokenTypes.length).toBe(GPT_OSS_VOCAB_SIZE);
    expect(v.merges.length).toBe(GPT_OSS_MERGE_COUNT);
    expect(v.merges[0]).toBe("Ġ Ġ");
    expect(v.merges.every((m) => m.split(" ").length === 2)).toBe(true);
  });

  it("puts Harmony's special tokens at Harmony's ids, typed CONTROL", async () => {
    const v = await loadGptOssVocab();
    for (const text of ["<|startoftext|>", "<|endoftext|>", "<|return|>", "<|constrain|>", "<|channel|>"]) {
      const id = specialTokenId(text) as number;
      expect([text, v.tokens[id], v.tokenTypes[id]]).toEqual([text, text, TOKEN_TYPE.control]);
    }
    for (const text of ["<|start|>", "<|end|>", "<|message|>", "<|call|>"]) {
      expect(v.tokens[specialTokenId(text) as number]).toBe(text);
    }
    expect([v.tokens[GPT_OSS_BOS_ID], v.tokens[GPT_OSS_EOS_ID], v.tokens[GPT_OSS_PAD_ID]]).toEqual([
      "<|startoftext|>",
      "<|return|>",
      "<|endoftext|>",
    ]);
  });

  it("pads the ids past the added tokens as the converter does: [PAD<id>], UNUSED", async () => {
    const v = await loadGptOssVocab();
    expect(v.tokens[200019]).toBe("[PAD200019]");
    expect(v.tokens[GPT_OSS_VOCAB_SIZE - 1]).toBe(`[PAD${GPT_OSS_VOCAB_SIZE - 1}]`);
    const unused = v.tokenTypes.filter((t) => t === TOKEN_TYPE.unused).length;
    expect(unused).toBe(GPT_OSS_VOCAB_SIZE - 200019);
    expect(v.tokenTypes.filter((t) => t === TOKEN_TYPE.control).length).toBe(21);
    // Ordinary BPE tokens are byte-level strings ("Ġ" is a space).
    expect(v.tokens[220]).toBe("Ġ");
  });

  it("parses once per process", async () => {
    expect(await loadGptOssVocab()).toBe(await loadGptOssVocab());
  });
});
