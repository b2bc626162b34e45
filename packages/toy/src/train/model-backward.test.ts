/**
 * Gradient check: the analytic gradient of every parameter tensor against float64 central finite differences
 * on a micro model whose every feature is live — GQA, a sliding window shorter than the sequence, non-zero
 * biases and sinks, non-unit norms, and both swiglu_oai clamps engaged on some entries.
 */

import { SeededRandom } from "@overtone/makers";
import { describe, expect, it } from "vitest";
import { initParams } from "./init-params.js";
import { JsKernels } from "./kernels.js";
import { accumulateSequenceGradient } from "./model-backward.js";
import { type Floats, paramLayout, paramViews } from "./param-layout.js";
import { SWIGLU_LIMIT } from "./swiglu-oai.js";
import type { ToyShape } from "./toy-config.js";
import { frozenEntries } from "./vocab-design.js";
import { Workspace } from "./workspace.js";

const shape: ToyShape = { layers: 2, embd: 10, heads: 4, kvHeads: 2, headDim: 4, ff: 7, slidingWindow: 3 };
const VOCAB = 11;
const tokens = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9]);
// Loss weights: 0 given, 1 trained, 5 a deciding token (the gradient must follow the weighted loss).
const lossMask = Uint8Array.from([0, 0, 0, 1, 1, 0, 1, 5, 1, 0, 1, 1, 1]);

function microModel() {
  const layout = paramLayout(shape, VOCAB);
  const data = new Float64Array(layout.total);
  initParams(layout, 7, frozenEntries(layout), data);
  const random = new SeededRandom(99);
  const noise = new Float32Array(layout.total);
  random.fillUniform(noise, 1);
  for (const t of layout.tensors) {
    for (let i = t.offset; i < t.offset + t.size; i++) {
      const n = noise[i] as number;
      if (t.role === "norm") data[i] = 1 + 0.3 * n;
      else if (t.role === "bias") data[i] = 0.3 * n;
      else if (t.role === "sink") data[i] = n;
      // Big gate/up weights push pre-activations past the clamps.
      else if (/\.(wg|wu)$/.test(t.name)) data[i] = (data[i] as number) * 8;
    }
  }
  return { layout, data };
}

function loss(layoutData: ReturnType<typeof microModel>, data: Floats, ws: Workspace): number {
  const grad = new Float64Array(layoutData.layout.total);
  const p = paramViews(layoutData.layout, data);
  return accumulateSequenceGradient(p, paramViews(layoutData.layout, grad), ws, tokens, lossMask, 1);
}

describe("toy trainer backward pass", () => {
  const model = microModel();
  const ws = new Workspace(shape, VOCAB, tokens.length, new JsKernels(Float64Array));
  const grad = new Float64Array(model.layout.total);
  accumulateSequenceGradient(
    paramViews(model.layout, model.data),
    paramViews(model.layout, grad),
    ws,
    tokens,
    lossMask,
    1,
  );

  it("exercises both clamps of swiglu_oai", () => {
    let gateClamped = 0;
    let upClamped = 0;
    for (const a of ws.layers) {
      for (let i = 0; i < tokens.length * shape.ff; i++) {
        if ((a.g[i] as number) > SWIGLU_LIMIT) gateClamped++;
        if (Math.abs(a.u[i] as number) > SWIGLU_LIMIT) upClamped++;
      }
    }
    expect(gateClamped).toBeGreaterThan(0);
    expect(upClamped).toBeGreaterThan(0);
  });

  it("matches central finite differences on every parameter tensor", () => {
    const h = 1e-6;
    const picker = new SeededRandom(5);
    let checked = 0;
    for (const t of model.layout.tensors) {
      const picks = new Set<number>([t.offset, t.offset + t.size - 1]);
      while (picks.size < Math.min(t.size, 6)) picks.add(t.offset + (picker.nextU32() % t.size));
      for (const i of picks) {
        const saved = model.data[i] as number;
        model.data[i] = saved + h;
        const up = loss(model, model.data, ws);
        model.data[i] = saved - h;
        const down = loss(model, model.data, ws);
        model.data[i] = saved;
        const numeric = (up - down) / (2 * h);
        const analytic = grad[i] as number;
        const scale = Math.max(Math.abs(numeric), Math.abs(analytic), 1e-4);
        expect(Math.abs(numeric - analytic) / scale, `${t.name}[${i - t.offset}]`).toBeLessThan(1e-5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("gives no gradient through positions the loss mask leaves out", () => {
    const unmasked = new Uint8Array(tokens.length);
    const g = new Float64Array(model.layout.total);
    const p = paramViews(model.layout, model.data);
    const l = accumulateSequenceGradient(p, paramViews(model.layout, g), ws, tokens, unmasked, 1);
    expect(l).toBe(0);
    expect(g.every((v) => v === 0)).toBe(true);
  });

  it("counts a token of weight w as w tokens of weight 1", () => {
    const p = paramViews(model.layout, model.data);
    const run = (mask: Uint8Array) => {
      const g = new Float64Array(model.layout.total);
      const l = accumulateSequenceGradient(p, paramViews(model.layout, g), ws, tokens, mask, 1);
      return { l, g };
    };
    const weighted = run(lossMask);
    const ones = run(lossMask.map((w) => (w > 0 ? 1 : 0)));
    const only = run(lossMask.map((w) => (w > 1 ? 1 : 0)));
    expect(only.l).toBeGreaterThan(0);
    expect(weighted.l).toBeCloseTo(ones.l + 4 * only.l, 10);
    weighted.g.forEach((v, i) => {
      expect(v).toBeCloseTo((ones.g[i] as number) + 4 * (only.g[i] as number), 10);
    });
  });
});
