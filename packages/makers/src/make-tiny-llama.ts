/**
 * `makeTinyLlama`: a small Llama-architecture GGUF with seeded random weights and a ChatML template — the
 * non-Harmony model a benchmark ladder puts beside gpt-oss (issue 16: report 004's ladder ran Llama-family
 * models from 1B up), made offline like the tiny gpt-oss. It shares the o200k vocabulary (llama.cpp runs a
 * `gpt2`-style BPE vocabulary under any architecture), so nothing else needs downloading; its end of text is
 * `<|endoftext|>`, and ChatML's `<|im_start|>` markers are plain text to it, as to any model that never
 * learnt them. Random weights: a stand-in for timing and plumbing, not a language model.
 */
import { performance } from "node:perf_hooks";
import { GGML_TYPE, type GgmlType, type GgufValue, ggufValue } from "@overtone/gguf";
import { loadChatmlTemplate, writeGguf } from "@overtone/gguf/node";
import { sizeLabel, vocabularyEntries } from "./gpt-oss-metadata.js";
import { parameterCount, type TinyTensorSpec } from "./gpt-oss-tensors.js";
import { GPT_OSS_BOS_ID, GPT_OSS_PAD_ID, GPT_OSS_VOCAB_SIZE, loadGptOssVocab } from "./gpt-oss-vocab.js";
import { tensorStream } from "./tensor-stream.js";

export interface TinyLlamaOptions {
  out: string;
  /** Default 2. */
  layers?: number;
  /** Model width; default 64. */
  embd?: number;
  /** Attention heads (width / heads is the head size); default 4. */
  heads?: number;
  /** Key/value heads (grouped-query attention when fewer than `heads`); default 2. */
  kvHeads?: number;
  /** Feed-forward width; default 128. */
  ff?: number;
  contextLength?: number;
  seed?: number;
}

export interface MakeTinyLlamaResult {
  path: string;
  bytes: number;
  parameters: number;
  elapsedMs: number;
}

const LLAMA_ARCH = "llama";
/** <|endoftext|>: the end of a turn for a model that knows no Harmony. */
const LLAMA_EOS_ID = GPT_OSS_PAD_ID;
const MOSTLY_F16 = 1;

export async function makeTinyLlama(options: TinyLlamaOptions): Promise<MakeTinyLlamaResult> {
  const start = performance.now();
  const o = {
    layers: options.layers ?? 2,
    embd: options.embd ?? 64,
    heads: options.heads ?? 4,
    kvHeads: options.kvHeads ?? 2,
    ff: options.ff ?? 128,
    contextLength: options.contextLength ?? 4096,
    seed: options.seed ?? 1,
  };
  for (const [key, value] of Object.entries(o)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`makeTinyLlama: ${key} must be a positive integer`);
  }
  if (o.embd % o.heads !== 0 || o.heads % o.kvHeads !== 0) {
    throw new RangeError("makeTinyLlama: heads must divide the width, and kvHeads the heads");
  }
  const plan = llamaTensorPlan(o);
  const parameters = parameterCount(plan);
  const [vocab, template] = await Promise.all([loadGptOssVocab(), loadChatmlTemplate()]);
  const arch = (key: string) => `${LLAMA_ARCH}.${key}`;
  const u32 = ggufValue.u32;
  const f32 = (v: number) => ggufValue.f32(Math.fround(v));
  const entries: [string, GgufValue][] = [
    ["general.architecture", ggufValue.str(LLAMA_ARCH)],
    ["general.type", ggufValue.str("model")],
    ["general.name", ggufValue.str("Overtone Tiny Llama")],
    ["general.size_label", ggufValue.str(sizeLabel(parameters))],
    [
      "general.description",
      ggufValue.str(
        `Random weights (seed ${o.seed}) for tests, not a language model: Llama architecture, ${o.layers} layers, ` +
          `width ${o.embd}, ${o.heads}/${o.kvHeads} heads, ff ${o.ff}, ChatML template. Made by Overtone's makers.`,
      ),
    ],
    [arch("block_count"), u32(o.layers)],
    [arch("context_length"), u32(o.contextLength)],
    [arch("embedding_length"), u32(o.embd)],
    [arch("feed_forward_length"), u32(o.ff)],
    [arch("attention.head_count"), u32(o.heads)],
    [arch("attention.head_count_kv"), u32(o.kvHeads)],
    [arch("rope.freq_base"), f32(10000)],
    [arch("rope.dimension_count"), u32(o.embd / o.heads)],
    [arch("attention.layer_norm_rms_epsilon"), f32(1e-5)],
    ["general.file_type", u32(MOSTLY_F16)],
    ...vocabularyEntries(vocab),
    ["tokenizer.ggml.bos_token_id", u32(GPT_OSS_BOS_ID)],
    ["tokenizer.ggml.eos_token_id", u32(LLAMA_EOS_ID)],
    ["tokenizer.ggml.add_bos_token", ggufValue.bool(false)],
    ["tokenizer.chat_template", ggufValue.str(template)],
  ];
  const written = await writeGguf(options.out, {
    metadata: new Map(entries),
    tensors: plan.map((t) => ({ name: t.name, type: t.type, shape: t.shape, data: tensorStream(t, o.seed) })),
  });
  return { path: written.path, bytes: written.bytes, parameters, elapsedMs: performance.now() - start };
}

/** The tensors llama.cpp's `llama` architecture loads (src/llama-arch.cpp names; shapes ne0 first). */
function llamaTensorPlan(o: { layers: number; embd: number; heads: number; kvHeads: number; ff: number }) {
  const F16: GgmlType = GGML_TYPE.F16;
  const F32: GgmlType = GGML_TYPE.F32;
  const kv = (o.embd / o.heads) * o.kvHeads;
  const ones = { kind: "constant", value: 1 } as const;
  const uniform = (fanIn: number, scale = 1) => ({ kind: "uniform", std: scale / Math.sqrt(fanIn) }) as const;
  const plan: TinyTensorSpec[] = [
    {
      name: "token_embd.weight",
      type: F16,
      shape: [o.embd, GPT_OSS_VOCAB_SIZE],
      fill: { kind: "uniform", std: 1 },
    },
    { name: "output_norm.weight", type: F32, shape: [o.embd], fill: ones },
    // Logits of std 4 whatever the width, as the tiny gpt-oss: peaked enough to sample, not one-hot.
    { name: "output.weight", type: F16, shape: [o.embd, GPT_OSS_VOCAB_SIZE], fill: uniform(o.embd, 4) },
  ];
  for (let l = 0; l < o.layers; l++) {
    const t = (name: string, type: GgmlType, shape: number[], fill: TinyTensorSpec["fill"]) =>
      plan.push({ name: `blk.${l}.${name}`, type, shape, fill });
    t("attn_norm.weight", F32, [o.embd], ones);
    t("attn_q.weight", F16, [o.embd, o.embd], uniform(o.embd));
    t("attn_k.weight", F16, [o.embd, kv], uniform(o.embd));
    t("attn_v.weight", F16, [o.embd, kv], uniform(o.embd));
    t("attn_output.weight", F16, [o.embd, o.embd], uniform(o.embd));
    t("ffn_norm.weight", F32, [o.embd], ones);
    t("ffn_gate.weight", F16, [o.embd, o.ff], uniform(o.embd));
    t("ffn_up.weight", F16, [o.embd, o.ff], uniform(o.embd));
    t("ffn_down.weight", F16, [o.ff, o.embd], uniform(o.ff));
  }
  return plan;
}
