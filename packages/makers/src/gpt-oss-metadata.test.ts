import { plainValue } from "@overtone/gguf";
import { describe, expect, it } from "vitest";
import {
  describeTinyModel,
  GPT_OSS_ARCH,
  gptOssMetadata,
  LLAMA_FTYPE,
  sizeLabel,
} from "./gpt-oss-metadata.js";
import { GPT_OSS_VOCAB_SIZE, type GptOssVocab } from "./gpt-oss-vocab.js";
import { resolveTinyGptOssOptions } from "./tiny-gpt-oss-options.js";

/** A stand-in vocabulary of the right length: the metadata builder only copies it. */
const vocab: GptOssVocab = {
  tokens: Array.from({ length: GPT_OSS_VOCAB_SIZE }, (_, i) => `t${i}`),
  tokenTypes: new Array(GPT_OSS_VOCAB_SIZE).fill(1),
  merges: ["a b"],
};

describe("gptOssMetadata", () => {
  const o = resolveTinyGptOssOptions({
    layers: 3,
    embd: 96,
    heads: 6,
    kvHeads: 3,
    headDim: 32,
    slidingWindow: 16,
  });
  const m = gptOssMetadata(o, vocab, "TEMPLATE", 1234);
  const get = (key: string) => m.get(key);

  it("writes the keys llama.cpp requires for gpt-oss, with the types it reads", () => {
    const a = (k: string) => `${GPT_OSS_ARCH}.${k}`;
    const expected: [string, string, unknown][] = [
      ["general.architecture", "str", "gpt-oss"],
      [a("context_length"), "u32", 131072],
      [a("embedding_length"), "u32", 96],
      [a("block_count"), "u32", 3],
      [a("attention.layer_norm_rms_epsilon"), "f32", Math.fround(1e-5)],
      [a("expert_feed_forward_length"), "u32", o.ff],
      [a("attention.sliding_window"), "u32", 16],
      [a("attention.head_count"), "u32", 6],
      [a("attention.head_count_kv"), "u32", 3],
      [a("expert_count"), "u32", o.experts],
      [a("expert_used_count"), "u32", o.expertsUsed],
      [a("attention.key_length"), "u32", 32],
      [a("attention.value_length"), "u32", 32],
      [a("rope.dimension_count"), "u32", 32],
      [a("rope.freq_base"), "f32", 150000],
      [a("rope.scaling.type"), "str", "yarn"],
      [a("rope.scaling.factor"), "f32", 32],
      [a("rope.scaling.original_context_length"), "u32", 4096],
      ["tokenizer.ggml.model", "str", "gpt2"],
      ["tokenizer.ggml.pre", "str", "gpt-4o"],
      ["tokenizer.ggml.bos_token_id", "u32", 199998],
      ["tokenizer.ggml.eos_token_id", "u32", 200002],
      ["tokenizer.ggml.padding_token_id", "u32", 199999],
      ["tokenizer.chat_template", "str", "TEMPLATE"],
      ["general.file_type", "u32", LLAMA_FTYPE.mostlyMxfp4Moe],
      ["general.quantization_version", "u32", 2],
    ];
    for (const [key, type, value] of expected) {
      expect([key, get(key)?.type, get(key) && plainValue(get(key) as never)]).toEqual([key, type, value]);
    }
    expect(get("tokenizer.ggml.tokens")).toMatchObject({ type: "arr", itemType: "str" });
    expect(get("tokenizer.ggml.token_type")).toMatchObject({ type: "arr", itemType: "i32" });
    expect(get("tokenizer.ggml.merges")).toMatchObject({ type: "arr", itemType: "str", value: ["a b"] });
  });

  it("names the model so node-llama-cpp and llama.cpp recognise gpt-oss", () => {
    expect(plainValue(get("general.name") as never)).toMatch(/Gpt Oss/);
    expect(plainValue(get("general.basename") as never)).toBe("gpt-oss");
    expect(plainValue(get("general.description") as never)).toBe(describeTinyModel(o));
  });

  it("omits the template key for template none, and quantization_version for F16 experts", () => {
    const f16 = gptOssMetadata({ ...o, expertsType: "f16" }, vocab, undefined, 1);
    expect(f16.has("tokenizer.chat_template")).toBe(false);
    expect(f16.has("general.quantization_version")).toBe(false);
    expect(plainValue(f16.get("general.file_type") as never)).toBe(LLAMA_FTYPE.mostlyF16);
  });

  it("says F32 for an all-F32 model, and describes weights that are not the defaults", () => {
    const f32 = { ...o, expertsType: "f32", denseType: "f32", biasStd: 0.5, gateUpScale: 5 } as const;
    const m32 = gptOssMetadata(f32, vocab, undefined, 1);
    expect(plainValue(m32.get("general.file_type") as never)).toBe(LLAMA_FTYPE.allF32);
    expect(LLAMA_FTYPE.allF32).toBe(0); // llama_ftype LLAMA_FTYPE_ALL_F32
    expect(describeTinyModel(f32)).toMatch(/Weights: f32 dense, biases σ 0\.5, gate\/up ×5\./);
    expect(describeTinyModel(o)).not.toMatch(/Weights:/);
  });

  it("rejects a vocabulary of the wrong size", () => {
    expect(() => gptOssMetadata(o, { ...vocab, tokens: ["x"] }, undefined, 1)).toThrow(RangeError);
  });
});

describe("sizeLabel", () => {
  it.each([
    [999, "999"],
    [25_864_912, "26M"],
    [1_234_567, "1.2M"],
    [20_900_000_000, "21B"],
    [4_000, "4K"],
  ])("%d → %s", (n, label) => expect(sizeLabel(n)).toBe(label));
});
