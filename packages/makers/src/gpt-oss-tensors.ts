/**
 * The tensors of a gpt-oss GGUF as llama.cpp v0.5.0 loads them (src/models/openai-moe.cpp; names from
 * src/llama-arch.cpp; shapes ne0 first), each with how its values are made. Types follow llama.cpp's converter:
 * only the `*_exps.weight` expert matrices are MXFP4 (or F16); the dense matrices are F16; norms, biases,
 * sinks and the router stay F32 — ggml_add_id asserts F32 expert biases, and an F16 one aborts the first decode.
 * An exact comparison with llama.cpp asks for F32 experts and dense matrices too (`expertsType`/`denseType`).
 *
 * Values are chosen so a random model is numerically tame, not trained:
 * - matrices are uniform with std 1/√fan_in, so every projection keeps its input's scale;
 * - norms are 1 and biases 0 (neutral);
 * - attention sinks are -1e4, which is neutral (exp underflows to 0); a sink of 0 is not neutral — it acts as an
 *   extra key with logit 0 and shrinks every head's output (reference/gpt-oss-forward.md §6.3).
 * The `TinyWeightFills` options turn each of these away from neutral (random biases, sinks and norms, gate/up
 * weights large enough to reach swiglu_oai's clamps), for tests of the forward pass itself.
 */
import { GGML_TYPE, type GgmlType } from "@overtone/gguf";
import { GPT_OSS_VOCAB_SIZE } from "./gpt-oss-vocab.js";
import type { ResolvedTinyGptOss } from "./tiny-gpt-oss-options.js";

/** A neutral attention sink: far below any attention logit, yet finite (safe for every backend and for gradients). */
export const NEUTRAL_SINK = -1e4;

/** Standard deviation of the output logits, independent of width: peaked enough to sample, not one-hot. */
const OUTPUT_LOGIT_STD = 4;

/** `mean` (default 0) shifts a uniform fill, e.g. norm weights scattered around 1. */
export type WeightFill =
  | { kind: "constant"; value: number }
  | { kind: "uniform"; std: number; mean?: number };

export interface TinyTensorSpec {
  name: string;
  type: GgmlType;
  /** ne0 first. */
  shape: number[];
  fill: WeightFill;
}

const F32 = GGML_TYPE.F32;

const constant = (value: number): WeightFill => ({ kind: "constant", value });
const uniform = (fanIn: number, scale = 1): WeightFill => ({
  kind: "uniform",
  std: (1 / Math.sqrt(fanIn)) * scale,
});
const TYPE_OF = { mxfp4: GGML_TYPE.MXFP4, f16: GGML_TYPE.F16, f32: GGML_TYPE.F32 } as const;

/** Fills of the vectors that are neutral by default: zero biases, ones for norms, NEUTRAL_SINK for sinks. */
function vectorFills(o: ResolvedTinyGptOss): { bias: WeightFill; norm: WeightFill; sink: WeightFill } {
  return {
    bias: o.biasStd > 0 ? { kind: "uniform", std: o.biasStd } : constant(0),
    norm: o.normStd > 0 ? { kind: "uniform", std: o.normStd, mean: 1 } : constant(1),
    sink: o.sinkStd > 0 ? { kind: "uniform", std: o.sinkStd } : constant(NEUTRAL_SINK),
  };
}

/** Every tensor llama.cpp requires for gpt-oss, plus the optional q/k/v biases real gpt-oss has. */
export function gptOssTensorPlan(o: ResolvedTinyGptOss): TinyTensorSpec[] {
  const experts = TYPE_OF[o.expertsType];
  const dense = TYPE_OF[o.denseType];
  const { bias, norm, sink } = vectorFills(o);
  const q = o.heads * o.headDim;
  const kv = o.kvHeads * o.headDim;
  const plan: TinyTensorSpec[] = [
    {
      name: "token_embd.weight",
      type: dense,
      shape: [o.embd, GPT_OSS_VOCAB_SIZE],
      fill: { kind: "uniform", std: 1 },
    },
    { name: "output_norm.weight", type: F32, shape: [o.embd], fill: norm },
    {
      name: "output.weight",
      type: dense,
      shape: [o.embd, GPT_OSS_VOCAB_SIZE],
      fill: { kind: "uniform", std: OUTPUT_LOGIT_STD / Math.sqrt(o.embd) },
    },
  ];
  for (let l = 0; l < o.layers; l++) {
    const t = (name: string, type: GgmlType, shape: number[], fill: WeightFill) =>
      plan.push({ name: `blk.${l}.${name}`, type, shape, fill });
    t("attn_norm.weight", F32, [o.embd], norm);
    t("attn_q.weight", dense, [o.embd, q], uniform(o.embd));
    t("attn_q.bias", F32, [q], bias);
    t("attn_k.weight", dense, [o.embd, kv], uniform(o.embd));
    t("attn_k.bias", F32, [kv], bias);
    t("attn_v.weight", dense, [o.embd, kv], uniform(o.embd));
    t("attn_v.bias", F32, [kv], bias);
    t("attn_output.weight", dense, [q, o.embd], uniform(q));
    t("attn_output.bias", F32, [o.embd], bias);
    t("attn_sinks.weight", F32, [o.heads], sink);
    t("post_attention_norm.weight", F32, [o.embd], norm);
    t("ffn_gate_inp.weight", F32, [o.embd, o.experts], uniform(o.embd));
    t("ffn_gate_inp.bias", F32, [o.experts], bias);
    t("ffn_gate_exps.weight", experts, [o.embd, o.ff, o.experts], uniform(o.embd, o.gateUpScale));
    t("ffn_gate_exps.bias", F32, [o.ff, o.experts], bias);
    t("ffn_up_exps.weight", experts, [o.embd, o.ff, o.experts], uniform(o.embd, o.gateUpScale));
    t("ffn_up_exps.bias", F32, [o.ff, o.experts], bias);
    t("ffn_down_exps.weight", experts, [o.ff, o.embd, o.experts], uniform(o.ff));
    t("ffn_down_exps.bias", F32, [o.embd, o.experts], bias);
  }
  return plan;
}

/** Total weights (elements) of a plan: the model's parameter count. */
export function parameterCount(plan: readonly TinyTensorSpec[]): number {
  let n = 0;
  for (const t of plan) n += t.shape.reduce((a, b) => a * b, 1);
  return n;
}
