import { GGML_TYPE } from "@overtone/gguf";
import { describe, expect, it } from "vitest";
import { gptOssTensorPlan, NEUTRAL_SINK, parameterCount } from "./gpt-oss-tensors.js";
import { GPT_OSS_VOCAB_SIZE } from "./gpt-oss-vocab.js";
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

describe("gptOssTensorPlan", () => {
  it("has every tensor llama.cpp's gpt-oss loader creates, with its shape (openai-moe.cpp)", () => {
    const E = o.embd;
    const F = o.ff;
    const X = o.experts;
    const expected: [string, number[]][] = [
      ["token_embd.weight", [E, GPT_OSS_VOCAB_SIZE]],
      ["output_norm.weight", [E]],
      ["output.weight", [E, GPT_OSS_VOCAB_SIZE]],
    ];
    for (let l = 0; l < o.layers; l++) {
      expected.push(
        [`blk.${l}.attn_norm.weight`, [E]],
        [`blk.${l}.post_attention_norm.weight`, [E]],
        [`blk.${l}.attn_q.weight`, [E, 32]],
        [`blk.${l}.attn_k.weight`, [E, 16]],
        [`blk.${l}.attn_v.weight`, [E, 16]],
        [`blk.${l}.attn_q.bias`, [32]],
        [`blk.${l}.attn_k.bias`, [16]],
        [`blk.${l}.attn_v.bias`, [16]],
        [`blk.${l}.attn_output.weight`, [32, E]],
        [`blk.${l}.attn_output.bias`, [E]],
        [`blk.${l}.attn_sinks.weight`, [o.heads]],
        [`blk.${l}.ffn_gate_inp.weight`, [E, X]],
        [`blk.${l}.ffn_gate_inp.bias`, [X]],
        [`blk.${l}.ffn_gate_exps.weight`, [E, F, X]],
        [`blk.${l}.ffn_up_exps.weight`, [E, F, X]],
        [`blk.${l}.ffn_down_exps.weight`, [F, E, X]],
        [`blk.${l}.ffn_gate_exps.bias`, [F, X]],
        [`blk.${l}.ffn_up_exps.bias`, [F, X]],
        [`blk.${l}.ffn_down_exps.bias`, [E, X]],
      );
    }
    expect(new Map(plan.map((t) => [t.name, t.shape]))).toEqual(new Map(expected));
    expect(plan.length).toBe(3 + 19 * o.layers);
  });

  it("keeps norms, biases, sinks and the router in F32; dense matrices F16; experts as asked", () => {
    for (const t of plan) {
      const expectedType = t.name.includes("_exps.weight")
        ? GGML_TYPE.MXFP4
        : t.name.endsWith(".bias") || t.shape.length === 1 || t.name.includes("ffn_gate_inp")
          ? GGML_TYPE.F32
          : GGML_TYPE.F16;
      expect([t.name, t.type]).toEqual([t.name, expectedType]);
    }
    const f16 = gptOssTensorPlan({ ...o, expertsType: "f16" });
    expect(f16.filter((t) => t.name.includes("_exps.weight")).every((t) => t.type === GGML_TYPE.F16)).toBe(
      true,
    );
  });

  it("makes every tensor F32 with f32 experts and dense matrices", () => {
    const all = gptOssTensorPlan({ ...o, expertsType: "f32", denseType: "f32" });
    expect(all.filter((t) => t.type !== GGML_TYPE.F32).map((t) => t.name)).toEqual([]);
  });

  it("keeps the neutral fills by default and moves each away from neutral when asked", () => {
    const fills = (p: typeof plan) => new Map(p.map((t) => [t.name, t.fill]));
    const neutral = fills(plan);
    expect(neutral.get("blk.0.attn_q.bias")).toEqual({ kind: "constant", value: 0 });
    expect(neutral.get("blk.0.attn_sinks.weight")).toEqual({ kind: "constant", value: NEUTRAL_SINK });
    expect(neutral.get("output_norm.weight")).toEqual({ kind: "constant", value: 1 });
    const moved = fills(gptOssTensorPlan({ ...o, biasStd: 0.5, sinkStd: 2, normStd: 0.1, gateUpScale: 5 }));
    for (const name of ["blk.1.attn_q.bias", "blk.1.attn_output.bias", "blk.1.ffn_gate_inp.bias"]) {
      expect([name, moved.get(name)]).toEqual([name, { kind: "uniform", std: 0.5 }]);
    }
    expect(moved.get("blk.2.ffn_down_exps.bias")).toEqual({ kind: "uniform", std: 0.5 });
    expect(moved.get("blk.0.attn_sinks.weight")).toEqual({ kind: "uniform", std: 2 });
    expect(moved.get("blk.0.post_attention_norm.weight")).toEqual({ kind: "uniform", std: 0.1, mean: 1 });
    expect(moved.get("blk.0.ffn_up_exps.weight")).toEqual({ kind: "uniform", std: 5 / Math.sqrt(o.embd) });
    expect(moved.get("blk.0.ffn_down_exps.weight")).toEqual(neutral.get("blk.0.ffn_down_exps.weight"));
  });

  it("counts parameters", () => {
    expect(parameterCount(plan)).toBe(plan.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0));
  });
});
