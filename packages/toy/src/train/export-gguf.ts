/**
 * A trained toy model as a real gpt-oss GGUF that llama.cpp runs: every key and tensor of the architecture
 * (names, shapes and metadata from src/models, as the tiny-model maker writes them), the full o200k_harmony
 * vocabulary, the chosen chat template (Harmony: the official one with its tool round trip fixed), and every
 * tensor F32 so llama.cpp computes what the trainer computed.
 *
 * - The dense MLP becomes E = 4 identical experts with a zero router: every router logit is 0, any top-2 is
 *   selected, and each selected expert gets softmax weight exactly 0.5, so 0.5·y + 0.5·y = y with no rounding
 *   (reference/gpt-oss-forward.md §6.2 b). Two of four keeps the file a genuine mixture-of-experts.
 * - The compact embedding and output rows go to their o200k_harmony ids; every other id gets the embedding
 *   (c, 0, …, 0) and the output row (−M, 0, …, 0) of the bias channel (vocab-design.ts).
 */
import { GGML_TYPE } from "@overtone/gguf";
import { type GgufTensorInput, loadFixedHarmonyTemplate, writeGguf } from "@overtone/gguf/node";
import {
  GPT_OSS_VOCAB_SIZE,
  gptOssMetadata,
  gptOssTensorPlan,
  loadGptOssVocab,
  parameterCount,
  resolveTinyGptOssOptions,
  tinyTemplateText,
} from "@overtone/makers";
import { findTensor, type ParamLayout } from "./param-layout.js";
import type { ToyConfig } from "./toy-config.js";
import { BIAS_CHANNEL_VALUE, type CompactVocabulary, UNUSED_OUTPUT_WEIGHT } from "./vocab-design.js";

export const EXPORTED_EXPERTS = 4;
export const EXPORTED_EXPERTS_USED = 2;
/** gpt-oss's trained context; the toy saw at most a few hundred tokens, but its RoPE is gpt-oss's. */
const CONTEXT_LENGTH = 131072;

export type ToyTemplate = "harmony" | "chatml";

export interface ExportableToy {
  config: ToyConfig;
  layout: ParamLayout;
  vocabulary: CompactVocabulary;
  params: Float32Array;
  step: number;
  losses: readonly number[];
}

export interface ExportToyOptions {
  out: string;
  /** `chatml` reproduces field report 000: the same weights behind the wrong template. */
  template?: ToyTemplate;
}

export interface ExportToyResult {
  path: string;
  bytes: number;
  parameters: number;
}

const ROWS_PER_CHUNK = 4096;
/** llama_ftype LLAMA_FTYPE_ALL_F32 (include/llama.h). */
const LLAMA_FTYPE_ALL_F32 = 0;

/** A [201088][d] matrix, streamed: used ids take their compact row, all others `unusedRow`. */
function vocabularyMatrix(
  compact: Float32Array,
  vocabulary: CompactVocabulary,
  d: number,
  unusedRow: Float32Array,
): () => AsyncIterable<Uint8Array> {
  return async function* () {
    for (let first = 0; first < GPT_OSS_VOCAB_SIZE; first += ROWS_PER_CHUNK) {
      const rows = Math.min(ROWS_PER_CHUNK, GPT_OSS_VOCAB_SIZE - first);
      const chunk = new Float32Array(rows * d);
      for (let r = 0; r < rows; r++) {
        const compactRow = vocabulary.row(first + r);
        chunk.set(compactRow < 0 ? unusedRow : compact.subarray(compactRow * d, (compactRow + 1) * d), r * d);
      }
      yield new Uint8Array(chunk.buffer);
    }
  };
}

function repeated(values: Float32Array, times: number): Uint8Array {
  const out = new Float32Array(values.length * times);
  for (let e = 0; e < times; e++) out.set(values, e * values.length);
  return new Uint8Array(out.buffer);
}

function describe(toy: ExportableToy): string {
  const { shape, seed } = toy.config;
  const loss = toy.losses.length > 0 ? ` final loss ${(toy.losses.at(-1) as number).toFixed(3)},` : "";
  return (
    `Toy gpt-oss trained on Overtone's synthetic Harmony corpus (seed ${seed}, ${toy.step} steps,${loss} ` +
    `${toy.vocabulary.size} corpus tokens; every other o200k_harmony token is suppressed): ${shape.layers} ` +
    `layers, width ${shape.embd}, ${shape.heads}/${shape.kvHeads} heads of ${shape.headDim}, ` +
    `${EXPORTED_EXPERTS} identical experts (top ${EXPORTED_EXPERTS_USED}, ff ${shape.ff}), F32. ` +
    "Made by overtone gguf train-toy."
  );
}

export async function exportToyGguf(toy: ExportableToy, options: ExportToyOptions): Promise<ExportToyResult> {
  const { shape } = toy.config;
  const d = shape.embd;
  const o = resolveTinyGptOssOptions({
    seed: toy.config.seed,
    layers: shape.layers,
    embd: d,
    experts: EXPORTED_EXPERTS,
    expertsUsed: EXPORTED_EXPERTS_USED,
    heads: shape.heads,
    kvHeads: shape.kvHeads,
    headDim: shape.headDim,
    ff: shape.ff,
    contextLength: CONTEXT_LENGTH,
    slidingWindow: shape.slidingWindow,
    expertsType: "f16",
    template: options.template ?? "harmony",
  });
  const plan = gptOssTensorPlan(o);
  const parameters = parameterCount(plan);
  // Harmony here is the template whose tool round trip llama.cpp renders as Harmony does: the toy learned tool
  // results as Harmony writes them and ignores the official template's double-encoded ones (bundled-templates.ts).
  const templateText = o.template === "harmony" ? loadFixedHarmonyTemplate() : tinyTemplateText(o.template);
  const [vocab, template] = await Promise.all([loadGptOssVocab(), templateText]);
  const metadata = gptOssMetadata(o, vocab, template, parameters);
  metadata.set("general.name", { type: "str", value: "Overtone Toy Gpt Oss" });
  metadata.set("general.finetune", { type: "str", value: "toy" });
  metadata.set("general.description", { type: "str", value: describe(toy) });
  metadata.set("general.file_type", { type: "u32", value: LLAMA_FTYPE_ALL_F32 });

  const view = (name: string) => {
    const t = findTensor(toy.layout, name);
    return toy.params.subarray(t.offset, t.offset + t.size);
  };
  const bytes = (values: Float32Array) => new Uint8Array(Float32Array.from(values).buffer);
  const unusedEmbedding = new Float32Array(d);
  unusedEmbedding[0] = BIAS_CHANNEL_VALUE;
  const unusedOutput = new Float32Array(d);
  unusedOutput[0] = -UNUSED_OUTPUT_WEIGHT;
  const data = new Map<string, GgufTensorInput["data"]>([
    ["token_embd.weight", vocabularyMatrix(view("embedding"), toy.vocabulary, d, unusedEmbedding)],
    ["output_norm.weight", bytes(view("outNorm"))],
    ["output.weight", vocabularyMatrix(view("output"), toy.vocabulary, d, unusedOutput)],
  ]);
  for (let l = 0; l < shape.layers; l++) {
    const blk = (name: string) => `blk.${l}.${name}`;
    const w = (key: string) => view(blk(key));
    const zeros = (n: number) => new Uint8Array(n * 4);
    const entries: [string, GgufTensorInput["data"]][] = [
      ["attn_norm.weight", bytes(w("attnNorm"))],
      ["attn_q.weight", bytes(w("wq"))],
      ["attn_q.bias", bytes(w("bq"))],
      ["attn_k.weight", bytes(w("wk"))],
      ["attn_k.bias", bytes(w("bk"))],
      ["attn_v.weight", bytes(w("wv"))],
      ["attn_v.bias", bytes(w("bv"))],
      ["attn_output.weight", bytes(w("wo"))],
      ["attn_output.bias", bytes(w("bo"))],
      ["attn_sinks.weight", bytes(w("sinks"))],
      ["post_attention_norm.weight", bytes(w("postNorm"))],
      ["ffn_gate_inp.weight", zeros(d * EXPORTED_EXPERTS)],
      ["ffn_gate_inp.bias", zeros(EXPORTED_EXPERTS)],
      ["ffn_gate_exps.weight", repeated(w("wg"), EXPORTED_EXPERTS)],
      ["ffn_gate_exps.bias", repeated(w("bg"), EXPORTED_EXPERTS)],
      ["ffn_up_exps.weight", repeated(w("wu"), EXPORTED_EXPERTS)],
      ["ffn_up_exps.bias", repeated(w("bu"), EXPORTED_EXPERTS)],
      ["ffn_down_exps.weight", repeated(w("wd"), EXPORTED_EXPERTS)],
      ["ffn_down_exps.bias", repeated(w("bd"), EXPORTED_EXPERTS)],
    ];
    for (const [name, value] of entries) data.set(blk(name), value);
  }
  const tensors = plan.map((t): GgufTensorInput => {
    const value = data.get(t.name);
    if (value === undefined) throw new RangeError(`no trained values for GGUF tensor ${t.name}`);
    return { name: t.name, type: GGML_TYPE.F32, shape: t.shape, data: value };
  });
  const written = await writeGguf(options.out, { metadata, tensors });
  return { path: written.path, bytes: written.bytes, parameters };
}
