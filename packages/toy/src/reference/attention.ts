/**
 * One gpt-oss attention block after its RMSNorm (reference/gpt-oss-forward.md §2.2–2.4): biased q/k/v
 * projections, NEOX RoPE on q and k, grouped-query heads, a causal mask that on sliding-window layers also hides
 * keys `window` or more positions back, a per-head sink logit that joins the softmax denominator only, and the
 * biased output projection.
 */
import type { GptOssHyperparameters } from "./hyperparameters.js";
import { matVec } from "./kernels.js";
import type { ReferenceLayer } from "./reference-weights.js";
import { applyNeoxRope, type RopeTable } from "./rope-yarn.js";

/** Can the query at position `query` see the key at position `key`? (llama_hparams::is_masked_swa, standard). */
export function keyVisible(query: number, key: number, slidingWindow: number | undefined): boolean {
  if (key > query) return false;
  return slidingWindow === undefined || query - key < slidingWindow;
}

/**
 * Softmax weights of `scores` with a sink: exp(z_j − M) / (Σ exp(z_j − M) + exp(s − M)), M = max(z, s). The
 * weights sum to less than one by the sink's share; the sink has no value vector.
 */
export function softmaxWithSink(scores: Float64Array, count: number, sink: number, out: Float64Array): void {
  let max = sink;
  for (let j = 0; j < count; j++) max = Math.max(max, scores[j] as number);
  let denominator = Math.exp(sink - max);
  for (let j = 0; j < count; j++) {
    const e = Math.exp((scores[j] as number) - max);
    out[j] = e;
    denominator += e;
  }
  for (let j = 0; j < count; j++) out[j] = (out[j] as number) / denominator;
}

/** Project rows of `x` (T × inWidth) through `w` (+ bias) into T × outWidth. */
function project(
  x: Float64Array,
  tokens: number,
  inWidth: number,
  w: Float32Array,
  bias: Float32Array | undefined,
  outWidth: number,
) {
  const out = new Float64Array(tokens * outWidth);
  for (let t = 0; t < tokens; t++) matVec(w, 0, inWidth, outWidth, x, t * inWidth, out, t * outWidth, bias);
  return out;
}

/** The block's output W_o·o + b_o for every position (T × embd); `h` is the normed input. */
export function attentionBlock(
  layer: ReferenceLayer,
  hp: GptOssHyperparameters,
  h: Float64Array,
  tokens: number,
  rope: RopeTable,
  slidingWindow: number | undefined,
): Float64Array {
  const { embd, heads, kvHeads, headDim: D } = hp;
  const q = project(h, tokens, embd, layer.q, layer.qBias, heads * D);
  const k = project(h, tokens, embd, layer.k, layer.kBias, kvHeads * D);
  const v = project(h, tokens, embd, layer.v, layer.vBias, kvHeads * D);
  for (let t = 0; t < tokens; t++) {
    for (let i = 0; i < heads; i++) applyNeoxRope(q, (t * heads + i) * D, rope, t);
    for (let g = 0; g < kvHeads; g++) applyNeoxRope(k, (t * kvHeads + g) * D, rope, t);
  }
  const scale = 1 / Math.sqrt(D);
  // Consecutive query heads share a KV head (ggml's broadcast i02 = i12 / r2, HF repeat_kv).
  const group = heads / kvHeads;
  const mixed = new Float64Array(tokens * heads * D);
  const scores = new Float64Array(tokens);
  const weights = new Float64Array(tokens);
  const keys: number[] = [];
  for (let t = 0; t < tokens; t++) {
    keys.length = 0;
    for (let j = 0; j <= t; j++) if (keyVisible(t, j, slidingWindow)) keys.push(j);
    for (let i = 0; i < heads; i++) {
      const g = Math.floor(i / group);
      const qRow = (t * heads + i) * D;
      keys.forEach((j, n) => {
        const kRow = (j * kvHeads + g) * D;
        let dot = 0;
        for (let d = 0; d < D; d++) dot += (q[qRow + d] as number) * (k[kRow + d] as number);
        scores[n] = dot * scale;
      });
      softmaxWithSink(scores, keys.length, layer.sinks[i] as number, weights);
      keys.forEach((j, n) => {
        const a = weights[n] as number;
        const vRow = (j * kvHeads + g) * D;
        for (let d = 0; d < D; d++)
          mixed[qRow + d] = (mixed[qRow + d] as number) + a * (v[vRow + d] as number);
      });
    }
  }
  return project(mixed, tokens, heads * D, layer.attnOutput, layer.attnOutputBias, embd);
}
