import { decodeTensor, GGML_TYPE, tensorByteSize } from "@overtone/gguf";
import { describe, expect, it } from "vitest";
import { gptOssTensorPlan, NEUTRAL_SINK, type TinyTensorSpec } from "./gpt-oss-tensors.js";
import { tensorBytes, tensorStream } from "./tensor-stream.js";
import { resolveTinyGptOssOptions } from "./tiny-gpt-oss-options.js";

const o = resolveTinyGptOssOptions({
  layers: 3,
  embd: 32,
  heads: 4,
  kvHeads: 2,
  headDim: 8,
  experts: 3,
  ff: 32,
});
const plan = gptOssTensorPlan(o);
const byName = new Map(plan.map((t) => [t.name, t]));
const spec = (name: string) => byName.get(name) as TinyTensorSpec;

describe("tensorStream", () => {
  it("yields exactly the tensor's byte size, for every tensor", async () => {
    for (const t of plan) {
      let n = 0;
      for await (const chunk of tensorStream(t, 1)()) n += chunk.length;
      expect([t.name, n]).toEqual([t.name, tensorByteSize(t.type, t.shape)]);
    }
  });

  it("writes neutral values: norms 1, biases 0, sinks very negative (not 0)", async () => {
    const values = async (name: string) => decodeTensor(spec(name).type, await tensorBytes(spec(name), 1));
    expect([...(await values("blk.0.attn_norm.weight"))].every((v) => v === 1)).toBe(true);
    expect([...(await values("blk.1.ffn_down_exps.bias"))].every((v) => v === 0)).toBe(true);
    const sinks = await values("blk.2.attn_sinks.weight");
    expect([...sinks]).toEqual(new Array(o.heads).fill(NEUTRAL_SINK));
    expect(NEUTRAL_SINK).toBeLessThan(-1000);
  });

  it("is deterministic per seed and tensor, and independent of call order", async () => {
    const q = spec("blk.1.attn_q.weight");
    const a = await tensorBytes(q, 5);
    await tensorBytes(spec("blk.0.attn_q.weight"), 5);
    expect(await tensorBytes(q, 5)).toEqual(a);
    expect(await tensorBytes(q, 6)).not.toEqual(a);
    expect(await tensorBytes(spec("blk.2.attn_q.weight"), 5)).not.toEqual(a);
  });

  it("gives random matrices the scale 1/√fan_in", async () => {
    const v = decodeTensor(GGML_TYPE.F16, await tensorBytes(spec("blk.0.attn_output.weight"), 1));
    const rms = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(rms).toBeGreaterThan(0.9 / Math.sqrt(32));
    expect(rms).toBeLessThan(1.1 / Math.sqrt(32));
  });

  it("centres a uniform fill on its mean: norms scattered around 1", async () => {
    const norm: TinyTensorSpec = {
      name: "blk.0.attn_norm.weight",
      type: GGML_TYPE.F32,
      shape: [4096],
      fill: { kind: "uniform", std: 0.1, mean: 1 },
    };
    const v = decodeTensor(GGML_TYPE.F32, await tensorBytes(norm, 1));
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean).toBeGreaterThan(0.99);
    expect(mean).toBeLessThan(1.01);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(1 - 0.1 * Math.sqrt(3));
    expect(Math.max(...v)).toBeLessThanOrEqual(1 + 0.1 * Math.sqrt(3));
    expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(0.3);
  });

  it("makes MXFP4 experts the quantized form of the F16 experts of the same seed", async () => {
    const name = "blk.0.ffn_up_exps.weight";
    const mx = decodeTensor(GGML_TYPE.MXFP4, await tensorBytes(spec(name), 1));
    const f16Spec = gptOssTensorPlan({ ...o, expertsType: "f16" }).find(
      (t) => t.name === name,
    ) as TinyTensorSpec;
    const f16 = decodeTensor(GGML_TYPE.F16, await tensorBytes(f16Spec, 1));
    let err = 0;
    let norm = 0;
    for (let i = 0; i < f16.length; i++) {
      err += ((mx[i] as number) - (f16[i] as number)) ** 2;
      norm += (f16[i] as number) ** 2;
    }
    // 4-bit E2M1 with a shared power-of-two scale: roughly 10-20 % relative error, far below unrelated values.
    expect(Math.sqrt(err / norm)).toBeLessThan(0.3);
  });
});
