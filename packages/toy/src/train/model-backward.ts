/**
 * One sequence's loss and gradient: forward, cross-entropy on the positions whose next token the loss mask
 * selects (weighted by it), then every op backwards in reverse order, accumulating into a gradient array of the
 * parameter layout. Scratch buffers come from the workspace, so a step allocates nothing.
 */
import { attentionBackward } from "./attention.js";
import { crossEntropyInPlace } from "./cross-entropy.js";
import { linearBackward } from "./linear.js";
import { forwardHidden, forwardLogits, layerWindow } from "./model-forward.js";
import type { Floats, ModelParams } from "./param-layout.js";
import { rmsNormBackward } from "./rms-norm.js";
import { ropeBackward } from "./rope.js";
import { swigluOaiBackward } from "./swiglu-oai.js";
import type { Workspace } from "./workspace.js";

/**
 * Adds `gradientScale` × ∂(Σ weight × token loss)/∂θ into `grad` and returns that weighted loss sum, unscaled
 * (train-toy.ts divides a batch's sum by the batch's summed weight).
 */
export function accumulateSequenceGradient(
  p: ModelParams,
  grad: ModelParams,
  ws: Workspace,
  tokens: Int32Array,
  lossMask: Uint8Array,
  gradientScale: number,
): number {
  const rows = tokens.length;
  const shape = ws.shape;
  const { embd: d, heads, kvHeads, headDim, ff } = shape;
  const qWidth = heads * headDim;
  const kvWidth = kvHeads * headDim;
  const k = ws.kernels;
  forwardHidden(p, ws, tokens, rows);

  let count = 0;
  for (let t = 0; t + 1 < rows; t++) {
    const weight = lossMask[t + 1] as number;
    if (weight === 0) continue;
    ws.positions[count] = t;
    ws.targets[count] = tokens[t + 1] as number;
    ws.weights[count] = weight;
    count++;
  }
  if (count === 0) return 0;
  const logits = forwardLogits(p, ws, count);
  const loss = crossEntropyInPlace(k, logits, count, ws.vocabSize, ws.targets, gradientScale, ws.weights);

  ws.dSelected.fill(0, 0, count * d);
  linearBackward(
    k,
    ws.one,
    ws.selected,
    logits,
    count,
    d,
    p.output,
    ws.vocabSize,
    ws.dSelected,
    grad.output,
    null,
  );
  const dh = ws.dh;
  dh.fill(0, 0, rows * d);
  for (let r = 0; r < count; r++) {
    const t = ws.positions[r] as number;
    for (let i = 0; i < d; i++) dh[t * d + i] = ws.dSelected[r * d + i] as number;
  }
  const dx = ws.dx;
  dx.fill(0, 0, rows * d);
  rmsNormBackward(ws.xs[shape.layers] as Floats, dh, rows, d, p.outNorm, ws.rFinal, dx, grad.outNorm);

  for (let l = shape.layers - 1; l >= 0; l--) {
    const w = p.layers[l];
    const g = grad.layers[l];
    const a = ws.layers[l];
    if (w === undefined || g === undefined || a === undefined) throw new RangeError(`layer ${l} missing`);
    // x_{l+1} = xMid + W_d·act + b_d
    ws.dAct.fill(0, 0, rows * ff);
    linearBackward(k, ws.one, a.act, dx, rows, ff, w.wd, d, ws.dAct, g.wd, g.bd);
    swigluOaiBackward(a.g, a.u, a.sigma, ws.dAct, rows * ff, ws.dG, ws.dU);
    dh.fill(0, 0, rows * d);
    linearBackward(k, ws.one, a.h2, ws.dG, rows, d, w.wg, ff, dh, g.wg, g.bg);
    linearBackward(k, ws.one, a.h2, ws.dU, rows, d, w.wu, ff, dh, g.wu, g.bu);
    rmsNormBackward(a.xMid, dh, rows, d, w.postNorm, a.r2, dx, g.postNorm);
    // xMid = x_l + W_o·att + b_o
    ws.dAtt.fill(0, 0, rows * qWidth);
    linearBackward(k, ws.one, a.att, dx, rows, qWidth, w.wo, d, ws.dAtt, g.wo, g.bo);
    ws.dq.fill(0, 0, rows * qWidth);
    ws.dk.fill(0, 0, rows * kvWidth);
    ws.dv.fill(0, 0, rows * kvWidth);
    const dims = { rows, heads, kvHeads, headDim, window: layerWindow(l, shape.slidingWindow) };
    attentionBackward(k, a.q, a.k, a.v, dims, a, ws.dAtt, ws.dq, ws.dk, ws.dv, g.sinks, ws.attnScratch);
    ropeBackward(ws.dq, rows, heads, ws.rope);
    ropeBackward(ws.dk, rows, kvHeads, ws.rope);
    dh.fill(0, 0, rows * d);
    linearBackward(k, ws.one, a.h1, ws.dq, rows, d, w.wq, qWidth, dh, g.wq, g.bq);
    linearBackward(k, ws.one, a.h1, ws.dk, rows, d, w.wk, kvWidth, dh, g.wk, g.bk);
    linearBackward(k, ws.one, a.h1, ws.dv, rows, d, w.wv, kvWidth, dh, g.wv, g.bv);
    rmsNormBackward(ws.xs[l] as Floats, dh, rows, d, w.attnNorm, a.r1, dx, g.attnNorm);
  }
  for (let t = 0; t < rows; t++) {
    const row = (tokens[t] as number) * d;
    for (let i = 0; i < d; i++)
      grad.embedding[row + i] = (grad.embedding[row + i] as number) + (dx[t * d + i] as number);
  }
  return loss;
}
