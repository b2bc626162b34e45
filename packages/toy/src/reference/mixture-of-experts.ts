/**
 * gpt-oss's feed-forward block after its RMSNorm (reference/gpt-oss-forward.md §2.6–2.8): the biased router
 * picks the K largest logits, the gating weights are a softmax over those K only (not over all E), each chosen
 * expert runs gate/up with biases, swiglu_oai, and a biased down projection, and the outputs are summed with
 * their weights — the down bias inside the weighting.
 */
import type { GptOssHyperparameters } from "./hyperparameters.js";
import { matVec, SWIGLU_OAI_LIMIT, swigluOai } from "./kernels.js";
import type { ReferenceLayer } from "./reference-weights.js";

/** What the expert blocks did, for a caller that wants to know the clamps and the router were exercised. */
export interface ForwardStats {
  /** Gate pre-activations (over every selected expert, unit and token) and how many exceeded +7. */
  gateValues: number;
  gateClamped: number;
  /** Up pre-activations outside [−7, 7]. */
  upClamped: number;
  /** Smallest gap between the K-th and (K+1)-th router logit; a tiny gap could flip llama.cpp's choice. */
  smallestRouterGap: number;
}

export function emptyForwardStats(): ForwardStats {
  return { gateValues: 0, gateClamped: 0, upClamped: 0, smallestRouterGap: Number.POSITIVE_INFINITY };
}

export interface RouterChoice {
  /** Expert indices, largest logit first (ties: lower index first; llama.cpp leaves their order open). */
  experts: number[];
  /** Softmax over the chosen logits only: sums to 1. */
  weights: number[];
  /** logit of the K-th choice minus the best logit left out (Infinity when every expert is chosen). */
  gap: number;
}

/** Top-k routing with SOFTMAX_WEIGHT gating (llama-graph.cpp build_moe_ffn, norm_w false, no scale). */
export function routeTopK(logits: ArrayLike<number>, k: number): RouterChoice {
  const order = Array.from({ length: logits.length }, (_, i) => i).sort(
    (a, b) => (logits[b] as number) - (logits[a] as number) || a - b,
  );
  const experts = order.slice(0, k);
  const chosen = experts.map((e) => logits[e] as number);
  const max = Math.max(...chosen);
  const exps = chosen.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  const left = order[k];
  return {
    experts,
    weights: exps.map((x) => x / sum),
    gap: left === undefined ? Number.POSITIVE_INFINITY : (chosen[k - 1] as number) - (logits[left] as number),
  };
}

/** The block's output Σ_k w_k·(W_d a + b_d) for every position (T × embd); `h` is the normed input. */
export function expertsBlock(
  layer: ReferenceLayer,
  hp: GptOssHyperparameters,
  h: Float64Array,
  tokens: number,
  stats?: ForwardStats,
): Float64Array {
  const { embd, ff, experts: E, expertsUsed: K } = hp;
  const out = new Float64Array(tokens * embd);
  const routerLogits = new Float64Array(E);
  const gate = new Float64Array(ff);
  const up = new Float64Array(ff);
  const act = new Float64Array(ff);
  const y = new Float64Array(embd);
  for (let t = 0; t < tokens; t++) {
    matVec(layer.router, 0, embd, E, h, t * embd, routerLogits, 0, layer.routerBias);
    const choice = routeTopK(routerLogits, K);
    if (stats !== undefined) stats.smallestRouterGap = Math.min(stats.smallestRouterGap, choice.gap);
    choice.experts.forEach((e, n) => {
      matVec(layer.gate, e * ff * embd, embd, ff, h, t * embd, gate, 0, layer.gateBias, e * ff);
      matVec(layer.up, e * ff * embd, embd, ff, h, t * embd, up, 0, layer.upBias, e * ff);
      for (let f = 0; f < ff; f++) act[f] = swigluOai(gate[f] as number, up[f] as number);
      if (stats !== undefined) countClamps(stats, gate, up);
      matVec(layer.down, e * embd * ff, ff, embd, act, 0, y, 0, layer.downBias, e * embd);
      const w = choice.weights[n] as number;
      for (let i = 0; i < embd; i++) out[t * embd + i] = (out[t * embd + i] as number) + w * (y[i] as number);
    });
  }
  return out;
}

function countClamps(stats: ForwardStats, gate: Float64Array, up: Float64Array): void {
  stats.gateValues += gate.length;
  for (const g of gate) if (g > SWIGLU_OAI_LIMIT) stats.gateClamped++;
  for (const u of up) if (Math.abs(u) > SWIGLU_OAI_LIMIT) stats.upClamped++;
}
