/**
 * Issue 18's first Must-show line, on generated tiny gpt-oss models: ablating every residual writer
 * (`token_embd`, `attn_output` ± bias, every expert's `ffn_down_exps` ± bias) with one direction leaves the
 * residual stream with ≈ 0 projection on r̂ after every block — read with the reference forward pass (the
 * issue-5 oracle that matches llama.cpp), not from the weights alone; with MXFP4 experts the remainder is within
 * what re-encoding to MXFP4 can leave; every other tensor and key is byte-identical; the edited file loads and
 * runs in llama.cpp; attention-only ablation re-encodes nothing else. Directions come from a control-vector
 * file written by our writer (random, seeded: the math does not care what they mean).
 */
import { readFileSync } from "node:fs";
import { decodeTensor } from "@overtone/gguf";
import { openGguf } from "@overtone/gguf/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AblateResult,
  ablate,
  parseAblateConfig,
  writeDirections,
} from "../../packages/overtone/src/surgery/index.js";
import { loadReferenceModel, referenceFinalHidden } from "../../packages/toy/src/reference/index.js";
import { tempDir } from "../support/gguf-samples.js";
import { createTestContext, disposeTestLlama, loadTestModel } from "../support/llama.js";
import { TINY_F32_WRITERS, tinyLlamaModelPath, tinyModelPath } from "../support/tiny-models.js";
import { EMBD, hashesOf, mxfp4Bound, seeded, sparseDirection } from "./surgery-checks.js";

const F32_MODEL = TINY_F32_WRITERS;
const temp = tempDir("overtone-surgery-");
let directionsPath: string;
let direction: Float32Array;

beforeAll(async () => {
  directionsPath = temp.path("directions.gguf");
  const directions = new Map([1, 2].map((n) => [n, seeded(n, EMBD)] as const));
  await writeDirections(directionsPath, {
    modelHint: "gpt-oss",
    width: EMBD,
    directions,
    notes: { position: "random test directions" },
  });
  const d = directions.get(1) as Float32Array;
  const norm = Math.hypot(...d);
  direction = d.map((x) => x / norm);
});
afterAll(async () => {
  await disposeTestLlama();
  temp.remove();
});

const config = (yaml: string) => parseAblateConfig(yaml, "test.yaml");

async function ablated(model: string, yaml: string, name: string): Promise<AblateResult> {
  return ablate({ model, directions: directionsPath, config: config(yaml), out: temp.path(name) });
}

/** |r̂·x| / ‖x‖ over every position, max — at each residual point of the reference forward pass. */
async function projections(path: string, tokens: number[]): Promise<number[]> {
  const model = await loadReferenceModel(path);
  const out: number[] = [];
  referenceFinalHidden(model, tokens, {
    onResidual: (_layer, x) => {
      let worst = 0;
      for (let t = 0; t < tokens.length; t++) {
        let dot = 0;
        let sq = 0;
        for (let i = 0; i < EMBD; i++) {
          const v = x[t * EMBD + i] as number;
          dot += (direction[i] as number) * v;
          sq += v * v;
        }
        worst = Math.max(worst, Math.abs(dot) / Math.sqrt(sq));
      }
      out.push(worst);
    },
  });
  return out;
}

const TOKENS = [200006, 1428, 200008, 4827, 382, 634, 2359, 30, 200007, 200006, 173781];

describe("ablating every residual writer of a tiny F32 gpt-oss", () => {
  it("leaves ≈ 0 of r̂ in the residual stream after every block; the rest byte-identical; llama.cpp runs it", async () => {
    const base = await tinyModelPath(F32_MODEL);
    const result = await ablated(base, "direction_layer: 1\n", "f32-all.gguf");
    const before = await projections(base, TOKENS);
    const after = await projections(result.path, TOKENS);
    console.log(`|r̂·x|/‖x‖ per residual point, before: ${before.map((x) => x.toExponential(2)).join(" ")}`);
    console.log(`after: ${after.map((x) => x.toExponential(2)).join(" ")}`);
    expect(before.every((x) => x > 1e-3)).toBe(true); // the stream had r̂ in it to begin with
    expect(Math.max(...after)).toBeLessThan(1e-5); // F32 rounding, not a remainder
    expect(after).toHaveLength(3); // the embedding and both blocks

    // Every writer reported, each left with ~0 of r̂; 2 layers × 4 + the embedding.
    expect(result.tensors.map((t) => t.name).sort()).toEqual(
      [
        "blk.0.attn_output.bias",
        "blk.0.attn_output.weight",
        "blk.0.ffn_down_exps.bias",
        "blk.0.ffn_down_exps.weight",
        "blk.1.attn_output.bias",
        "blk.1.attn_output.weight",
        "blk.1.ffn_down_exps.bias",
        "blk.1.ffn_down_exps.weight",
        "token_embd.weight",
      ].sort(),
    );
    for (const t of result.tensors) expect(t.after / t.before, t.name).toBeLessThan(1e-5);

    const [a, b] = [await hashesOf(base), await hashesOf(result.path)];
    const edited = new Set(result.tensors.map((t) => t.name));
    for (const [name, hash] of a) {
      if (edited.has(name)) expect(b.get(name), name).not.toBe(hash);
      else expect(b.get(name), name).toBe(hash);
    }
    const [fa, fb] = [await openGguf(base), await openGguf(result.path)];
    expect([...fb.metadata]).toEqual([...fa.metadata]); // the template and every other key kept
    await Promise.all([fa.close(), fb.close()]);

    const model = await loadTestModel(result.path);
    const context = await createTestContext(model);
    const evaluated = await context
      .getSequence()
      .controlledEvaluate(
        TOKENS.map((t, i) => [t, i === TOKENS.length - 1 ? { generateNext: { logits: true } } : {}] as never),
      );
    const logits = [
      ...((evaluated.at(-1) as { next?: { logits?: Map<number, number> } })?.next?.logits?.values() ?? []),
    ];
    expect(logits.length).toBeGreaterThan(1000);
    expect(logits.every(Number.isFinite)).toBe(true);
    await context.dispose();
  }, 240_000);

  it("norm-preserving: r̂ still gone, and each written column keeps its norm", async () => {
    const base = await tinyModelPath(F32_MODEL);
    const result = await ablated(base, "direction_layer: 1\nnorm_preserve: true\n", "f32-np.gguf");
    expect(Math.max(...(await projections(result.path, TOKENS)))).toBeLessThan(1e-5);
    const [fa, fb] = [await openGguf(base), await openGguf(result.path)];
    const name = "blk.1.attn_output.weight";
    const info = fa.tensor(name);
    const [wa, wb] = [
      decodeTensor(info.type, await fa.readTensorData(name)),
      decodeTensor(info.type, await fb.readTensorData(name)),
    ];
    const cols = info.shape[0] as number;
    for (let j = 0; j < cols; j++) {
      const norm = (w: Float32Array) =>
        Math.hypot(...Array.from({ length: EMBD }, (_, m) => w[m * cols + j] as number));
      expect(norm(wb)).toBeCloseTo(norm(wa), 4);
    }
    await Promise.all([fa.close(), fb.close()]);
  }, 240_000);
});

describe("MXFP4 experts (the default tiny model)", () => {
  it("the experts' remainder is within MXFP4's re-encoding error; rows the edit leaves alone keep their bytes", async () => {
    const base = await tinyModelPath({ biasStd: 0.05, seed: 3 });
    // sparsity 0.5 keeps half of r̂'s components: the other half of each expert's rows are not touched.
    const yaml =
      "ablate:\n  - { layer: 0, measurement: 1, sparsity: 0.5 }\n  - { layer: 1, measurement: 1, sparsity: 0.5 }\ntargets: [ffn_down_exps, ffn_down_exps.bias]\n";
    const result = await ablated(base, yaml, "mxfp4.gguf");
    const experts = result.tensors.filter((t) => t.name.endsWith("ffn_down_exps.weight"));
    expect(experts.map((t) => t.type)).toEqual(["MXFP4", "MXFP4"]);
    for (const t of experts) {
      console.log(
        `${t.name}: ‖r̂ᵀW‖ ${t.before.toExponential(3)} → ${t.after.toExponential(3)}, rows re-encoded ${t.rowsChanged}/${t.rows}`,
      );
      expect(t.rowsChanged).toBe(t.rows / 2);
      expect(t.after).toBeLessThan(t.before);
      // The exact F32 edit W' has r̂ᵀW' = 0, so what is left is r̂ᵀE, E = MXFP4(W') − W': at most ‖E‖, and E is
      // bounded by the format: a value rounds to the nearest E2M1 code of its 32-value block, codes at most a
      // third of the block's largest magnitude apart (4 and 6 of a block scaled to 6).
      const bound = await mxfp4Bound(base, result.path, t.name, sparseDirection());
      console.log(
        `  left ${t.after.toExponential(3)} ≤ ‖E‖ ${bound.error.toExponential(3)} ≤ format bound ${bound.format.toExponential(3)}`,
      );
      expect(t.after).toBeCloseTo(bound.left, 4);
      expect(bound.left).toBeLessThanOrEqual(bound.error * 1.000001);
      expect(bound.error).toBeLessThanOrEqual(bound.format);
    }
    const [fa, fb] = [await openGguf(base), await openGguf(result.path)];
    const name = "blk.0.ffn_down_exps.weight";
    const [ba, bb] = [await fa.readTensorData(name), await fb.readTensorData(name)];
    const info = fa.tensor(name);
    const rowBytes = ba.length / ((info.shape[1] as number) * (info.shape[2] as number));
    let same = 0;
    for (let row = 0; row * rowBytes < ba.length; row++) {
      if (
        ba
          .subarray(row * rowBytes, (row + 1) * rowBytes)
          .equals(bb.subarray(row * rowBytes, (row + 1) * rowBytes))
      )
        same++;
    }
    expect(same).toBeGreaterThanOrEqual(ba.length / rowBytes / 2);
    await Promise.all([fa.close(), fb.close()]);
  }, 240_000);

  it("attention-only re-encodes nothing but attn_output: the experts are byte-identical", async () => {
    const base = await tinyModelPath({ biasStd: 0.05, seed: 3 });
    const result = await ablated(
      base,
      "direction_layer: 1\ntargets: [attn_output, attn_output.bias]\n",
      "attn.gguf",
    );
    expect(result.tensors.every((t) => t.name.includes("attn_output"))).toBe(true);
    const [a, b] = [await hashesOf(base), await hashesOf(result.path)];
    for (const [name, hash] of a) if (!name.includes("attn_output")) expect(b.get(name), name).toBe(hash);
  }, 120_000);
});

describe("what ablate refuses, before writing anything", () => {
  it("a model that is not gpt-oss, a direction of another width, a block or direction that is not there", async () => {
    await expect(ablated(await tinyLlamaModelPath(), "direction_layer: 1\n", "x.gguf")).rejects.toThrow(
      /not a gpt-oss GGUF/,
    );
    const wide = await tinyModelPath({ embd: 128, heads: 4, headDim: 32 });
    await expect(ablated(wide, "direction_layer: 1\n", "x.gguf")).rejects.toThrow(
      /64 wide but the model's residual stream is 128/,
    );
    const base = await tinyModelPath(F32_MODEL);
    await expect(ablated(base, "ablate:\n  - { layer: 5, measurement: 1 }\n", "x.gguf")).rejects.toThrow(
      /block 5 does not exist/,
    );
    await expect(ablated(base, "direction_layer: 9\n", "x.gguf")).rejects.toThrow(/no direction\.9/);
    const twice = "ablate:\n  - { layer: 1, measurement: 1 }\n  - { layer: 1, measurement: 2 }\n";
    await expect(ablated(base, twice, "x.gguf")).rejects.toThrow(/block 1 is listed twice/);
    // The test's directions file has no means: projected cannot be computed, and says so.
    await expect(ablated(base, "direction_layer: 1\nprojected: true\n", "x.gguf")).rejects.toThrow(
      /projected: needs set b's means/,
    );
    expect(() => config("direction_layer: 1\ntargets: [mlp.router.weight]\n")).toThrow(/input-side target/);
    expect(() => config("scale: 1\n")).toThrow(/neither which blocks/);
    expect(() => config("direction_layer: 1\nscael: 2\n")).toThrow(/unknown key "scael"/);
    expect(() => readFileSync(temp.path("x.gguf"))).toThrow(); // nothing written
  }, 120_000);
});
