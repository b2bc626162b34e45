/**
 * The toy model's forward pass — gpt-oss's block exactly as llama.cpp runs it on the exported GGUF (identical
 * experts make the MoE this dense MLP): RMSNorm, q/k/v with biases, NEOX RoPE with YaRN, attention with sinks
 * (sliding window on even layers), attn_output + residual, RMSNorm, clamped swiglu_oai MLP + residual, final
 * RMSNorm, untied output. Activations the backward pass needs stay in the workspace.
 */
import { GPT_OSS_FIXED } from "@overtone/makers";
import { attentionForward } from "./attention.js";
import { linearForward } from "./linear.js";
import type { Floats, ModelParams } from "./param-layout.js";
import { rmsNormForward } from "./rms-norm.js";
import { ropeForward } from "./rope.js";
import { swigluOaiForward } from "./swiglu-oai.js";
import type { Workspace } from "./workspace.js";

export const RMS_EPSILON = Math.fround(GPT_OSS_FIXED.rmsEpsilon);

/** gpt-oss: layers 0, 2, 4, … use the sliding window (llama.cpp's is_swa = il % 2 < 1). */
export function layerWindow(layer: number, slidingWindow: number): number {
  return layer % 2 === 0 ? slidingWindow : Number.POSITIVE_INFINITY;
}

/** Runs the sequence (compact vocabulary rows) through the final norm: ws.hFinal[0 … rows). */
export function forwardHidden(p: ModelParams, ws: Workspace, tokens: Int32Array, rows: number): void {
  const shape = ws.shape;
  const { embd: d, heads, kvHeads, headDim, ff } = shape;
  const qWidth = heads * headDim;
  const kvWidth = kvHeads * headDim;
  if (rows > ws.maxRows) throw new RangeError(`sequence of ${rows} tokens, workspace holds ${ws.maxRows}`);
  const k = ws.kernels;
  const x0 = ws.xs[0] as Floats;
  for (let t = 0; t < rows; t++) {
    const row = tokens[t] as number;
    for (let i = 0; i < d; i++) x0[t * d + i] = p.embedding[row * d + i] as number;
  }
  for (let l = 0; l < shape.layers; l++) {
    const w = p.layers[l];
    const a = ws.layers[l];
    const xIn = ws.xs[l] as Floats;
    const xOut = ws.xs[l + 1] as Floats;
    if (w === undefined || a === undefined) throw new RangeError(`layer ${l} missing`);
    rmsNormForward(xIn, rows, d, w.attnNorm, RMS_EPSILON, a.h1, a.r1);
    linearForward(k, ws.one, a.h1, rows, d, w.wq, qWidth, w.bq, a.q);
    linearForward(k, ws.one, a.h1, rows, d, w.wk, kvWidth, w.bk, a.k);
    linearForward(k, ws.one, a.h1, rows, d, w.wv, kvWidth, w.bv, a.v);
    ropeForward(a.q, rows, heads, ws.rope);
    ropeForward(a.k, rows, kvHeads, ws.rope);
    const dims = { rows, heads, kvHeads, headDim, window: layerWindow(l, shape.slidingWindow) };
    attentionForward(k, a.q, a.k, a.v, w.sinks, dims, a, a.att);
    linearForward(k, ws.one, a.att, rows, qWidth, w.wo, d, w.bo, a.xMid);
    for (let i = 0; i < rows * d; i++) a.xMid[i] = (a.xMid[i] as number) + (xIn[i] as number);
    rmsNormForward(a.xMid, rows, d, w.postNorm, RMS_EPSILON, a.h2, a.r2);
    linearForward(k, ws.one, a.h2, rows, d, w.wg, ff, w.bg, a.g);
    linearForward(k, ws.one, a.h2, rows, d, w.wu, ff, w.bu, a.u);
    swigluOaiForward(k, a.g, a.u, rows * ff, a.act, a.sigma);
    linearForward(k, ws.one, a.act, rows, ff, w.wd, d, w.bd, xOut);
    for (let i = 0; i < rows * d; i++) xOut[i] = (xOut[i] as number) + (a.xMid[i] as number);
  }
  rmsNormForward(ws.xs[shape.layers] as Floats, rows, d, p.outNorm, RMS_EPSILON, ws.hFinal, ws.rFinal);
}

/**
 * Logits over the compact vocabulary for `count` positions (ws.positions), into ws.logits [count][vocab].
 * Call after forwardHidden; positions are gathered into ws.selected first.
 */
export function forwardLogits(p: ModelParams, ws: Workspace, count: number): Floats {
  const d = ws.shape.embd;
  for (let r = 0; r < count; r++) {
    const t = ws.positions[r] as number;
    for (let i = 0; i < d; i++) ws.selected[r * d + i] = ws.hFinal[t * d + i] as number;
  }
  linearForward(ws.kernels, ws.one, ws.selected, count, d, p.output, ws.vocabSize, null, ws.logits);
  return ws.logits;
}

/** Logits at every position of a sequence, [rows][vocab] (a fresh array: for checks and evaluation). */
export function sequenceLogits(p: ModelParams, ws: Workspace, tokens: Int32Array): Float64Array {
  forwardHidden(p, ws, tokens, tokens.length);
  for (let t = 0; t < tokens.length; t++) ws.positions[t] = t;
  const logits = forwardLogits(p, ws, tokens.length);
  return Float64Array.from(logits.subarray(0, tokens.length * ws.vocabSize));
}
