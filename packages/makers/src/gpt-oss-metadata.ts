/**
 * The metadata of a gpt-oss GGUF, in the key order llama.cpp's converter writes for openai/gpt-oss-20b.
 * Required by llama.cpp v0.5.0 (reference/engine-node-llama-cpp.md §2): the hyperparameters (head size set
 * explicitly — the default n_embd/n_head is wrong for gpt-oss — and the RoPE dimension with it, since the loader
 * sizes tensors by n_rot), YaRN rope scaling, the sliding window, and the `gpt2`/`gpt-4o` tokenizer with merges.
 * `general.name` and `general.basename` carry "Gpt Oss" / "gpt-oss", which is how node-llama-cpp picks its
 * Harmony chat wrapper for a file without a usable template.
 */
import { type GgufMetadata, type GgufValue, ggufValue } from "@overtone/gguf";
import {
  GPT_OSS_BOS_ID,
  GPT_OSS_EOS_ID,
  GPT_OSS_PAD_ID,
  GPT_OSS_VOCAB_SIZE,
  type GptOssVocab,
} from "./gpt-oss-vocab.js";
import type { ResolvedTinyGptOss } from "./tiny-gpt-oss-options.js";

export const GPT_OSS_ARCH = "gpt-oss";

/** gpt-oss's fixed hyperparameters (OpenAI's config.json), shared by every tiny model. */
export const GPT_OSS_FIXED = Object.freeze({
  ropeFreqBase: 150000,
  ropeScalingFactor: 32,
  ropeOriginalContext: 4096,
  rmsEpsilon: 1e-5,
});

/** llama_ftype values (include/llama.h): what `general.file_type` says about the bulk of the weights. */
export const LLAMA_FTYPE = { allF32: 0, mostlyF16: 1, mostlyMxfp4Moe: 38 } as const;

/** ggml's GGML_QNT_VERSION, written with quantized files. */
const QUANTIZATION_VERSION = 2;

/** "33M" / "1.2B": the converter's size label, from the parameter count. */
export function sizeLabel(parameters: number): string {
  for (const [unit, scale] of [
    ["T", 1e12],
    ["B", 1e9],
    ["M", 1e6],
    ["K", 1e3],
  ] as const) {
    if (parameters >= scale) {
      const v = parameters / scale;
      return `${v < 10 ? Number(v.toFixed(1)) : Math.round(v)}${unit}`;
    }
  }
  return String(parameters);
}

function fileType(o: ResolvedTinyGptOss): number {
  if (o.expertsType === "mxfp4") return LLAMA_FTYPE.mostlyMxfp4Moe;
  return o.expertsType === "f32" && o.denseType === "f32" ? LLAMA_FTYPE.allF32 : LLAMA_FTYPE.mostlyF16;
}

/** What differs from the default weights, e.g. ` Weights: f32 dense, biases σ 0.5.`; empty for the defaults. */
function describeWeightOptions(o: ResolvedTinyGptOss): string {
  const parts: string[] = [];
  if (o.denseType !== "f16") parts.push(`${o.denseType} dense`);
  if (o.biasStd > 0) parts.push(`biases σ ${o.biasStd}`);
  if (o.sinkStd > 0) parts.push(`sinks σ ${o.sinkStd}`);
  if (o.normStd > 0) parts.push(`norms 1 ± σ ${o.normStd}`);
  if (o.gateUpScale !== 1) parts.push(`gate/up ×${o.gateUpScale}`);
  return parts.length === 0 ? "" : ` Weights: ${parts.join(", ")}.`;
}

export function describeTinyModel(o: ResolvedTinyGptOss): string {
  return (
    `Random weights (seed ${o.seed}) for tests, not a language model: ${o.layers} layers, width ${o.embd}, ` +
    `${o.heads}/${o.kvHeads} heads of ${o.headDim}, ${o.experts} experts (top ${o.expertsUsed}, ${o.expertsType}, ` +
    `ff ${o.ff}).${describeWeightOptions(o)} Made by overtone gguf make-tiny.`
  );
}

/** Metadata for a tiny model; `chatTemplate` undefined writes no template key. */
export function gptOssMetadata(
  o: ResolvedTinyGptOss,
  vocab: GptOssVocab,
  chatTemplate: string | undefined,
  parameters: number,
): GgufMetadata {
  if (vocab.tokens.length !== GPT_OSS_VOCAB_SIZE) throw new RangeError("vocabulary of the wrong size");
  const arch = (key: string) => `${GPT_OSS_ARCH}.${key}`;
  const u32 = ggufValue.u32;
  // Rounded here so the map equals what a reader gets back from the file (1e-5 is not a float32).
  const f32 = (v: number) => ggufValue.f32(Math.fround(v));
  const entries: [string, GgufValue][] = [
    ["general.architecture", ggufValue.str(GPT_OSS_ARCH)],
    ["general.type", ggufValue.str("model")],
    ["general.name", ggufValue.str("Overtone Tiny Gpt Oss")],
    ["general.basename", ggufValue.str("gpt-oss")],
    ["general.finetune", ggufValue.str("tiny-random")],
    ["general.size_label", ggufValue.str(sizeLabel(parameters))],
    ["general.license", ggufValue.str("apache-2.0")],
    ["general.description", ggufValue.str(describeTinyModel(o))],
    [arch("block_count"), u32(o.layers)],
    [arch("context_length"), u32(o.contextLength)],
    [arch("embedding_length"), u32(o.embd)],
    [arch("feed_forward_length"), u32(o.ff)],
    [arch("attention.head_count"), u32(o.heads)],
    [arch("attention.head_count_kv"), u32(o.kvHeads)],
    [arch("rope.freq_base"), f32(GPT_OSS_FIXED.ropeFreqBase)],
    [arch("attention.layer_norm_rms_epsilon"), f32(GPT_OSS_FIXED.rmsEpsilon)],
    [arch("expert_count"), u32(o.experts)],
    [arch("expert_used_count"), u32(o.expertsUsed)],
    [arch("attention.key_length"), u32(o.headDim)],
    [arch("attention.value_length"), u32(o.headDim)],
    [arch("rope.dimension_count"), u32(o.headDim)],
    ["general.file_type", u32(fileType(o))],
    [arch("attention.sliding_window"), u32(o.slidingWindow)],
    [arch("expert_feed_forward_length"), u32(o.ff)],
    [arch("rope.scaling.type"), ggufValue.str("yarn")],
    [arch("rope.scaling.factor"), f32(GPT_OSS_FIXED.ropeScalingFactor)],
    [arch("rope.scaling.original_context_length"), u32(GPT_OSS_FIXED.ropeOriginalContext)],
  ];
  if (o.expertsType === "mxfp4") entries.push(["general.quantization_version", u32(QUANTIZATION_VERSION)]);
  entries.push(
    ...vocabularyEntries(vocab),
    ["tokenizer.ggml.bos_token_id", u32(GPT_OSS_BOS_ID)],
    ["tokenizer.ggml.eos_token_id", u32(GPT_OSS_EOS_ID)],
    ["tokenizer.ggml.padding_token_id", u32(GPT_OSS_PAD_ID)],
  );
  if (chatTemplate !== undefined) entries.push(["tokenizer.chat_template", ggufValue.str(chatTemplate)]);
  return new Map(entries);
}

/** The o200k vocabulary as llama.cpp's `gpt2`-style BPE tokenizer keys (tokens, types, merges). */
export function vocabularyEntries(vocab: GptOssVocab): [string, GgufValue][] {
  return [
    ["tokenizer.ggml.model", ggufValue.str("gpt2")],
    ["tokenizer.ggml.pre", ggufValue.str("gpt-4o")],
    ["tokenizer.ggml.tokens", ggufValue.array("str", vocab.tokens)],
    // Spelled out: ggufValue.array's typing rejects numeric item types (it narrows them to never).
    ["tokenizer.ggml.token_type", { type: "arr", itemType: "i32", value: vocab.tokenTypes }],
    ["tokenizer.ggml.merges", ggufValue.array("str", vocab.merges)],
  ];
}
