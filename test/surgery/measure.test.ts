/**
 * `surgery measure` on a tiny F32 gpt-oss: the directions file holds, for every block N ≥ 1, the difference of the
 * two sets' mean residual streams at the position rule's token — checked against the same means computed with
 * the reference forward pass (issue 5's oracle) — plus block 0's means in the metadata, the position rule, each
 * set's sha256 and count; the CLI prints the per-block norms and writes the file llama.cpp's format allows.
 */

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { openGguf } from "@overtone/gguf/node";
import { afterAll, describe, expect, it } from "vitest";
import {
  ablate,
  measure,
  parseAblateConfig,
  planEdits,
  readDirections,
} from "../../packages/overtone/src/surgery/index.js";
import { measuredPrompt, readPromptSet } from "../../packages/overtone/src/surgery/prompt-set.js";
import { loadReferenceModel, referenceFinalHidden } from "../../packages/toy/src/reference/index.js";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../support/gguf-samples.js";
import { TINY_F32_WRITERS, tinyModelPath } from "../support/tiny-models.js";

const F32_MODEL = TINY_F32_WRITERS;
const temp = tempDir("overtone-measure-");
afterAll(() => temp.remove());

const A = ['"What is 2 + 2?"', '"Add 90 and 31."', '"Multiply 29 by 5."'];
const B = ['"Which city is the capital of Cuba?"', '"Name a river in Egypt."', '"Where is Lima?"'];

function promptFile(name: string, lines: string[]): string {
  const path = temp.path(name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** Mean over a set of the reference forward pass's stream after each block at the rule's position. */
async function referenceMeans(model: string, file: string, width: number): Promise<Float64Array[]> {
  const reference = await loadReferenceModel(model);
  const set = await readPromptSet(file);
  const sums: Float64Array[] = [];
  for (const c of set.conversations) {
    const { tokens, position } = measuredPrompt(c, "last-user");
    referenceFinalHidden(reference, tokens, {
      onResidual: (layer, x) => {
        if (layer < 0) return;
        if (sums[layer] === undefined) sums[layer] = new Float64Array(width);
        const sum = sums[layer] as Float64Array;
        for (let i = 0; i < width; i++)
          sum[i] = (sum[i] as number) + (x[position * width + i] as number) / set.conversations.length;
      },
    });
  }
  return sums;
}

describe("surgery measure", () => {
  it("writes mean(a) − mean(b) after every block ≥ 1, equal to the reference forward pass's", async () => {
    const model = await tinyModelPath(F32_MODEL);
    const [a, b] = [promptFile("a.jsonl", A), promptFile("b.jsonl", B)];
    const out = temp.path("directions.gguf");
    const result = await measure({ model, a, b, out, position: "last-user", threads: 1 });
    expect(result).toMatchObject({ layers: 2, width: 64, counts: { a: 3, b: 3 } });
    const file = await readDirections(out);
    expect([...file.directions.keys()]).toEqual([1]);
    expect(file.notes).toMatchObject({
      position: "last-user",
      "set_a.count": 3,
      "set_b.count": 3,
      "set_a.sha256": createHash("sha256").update(readFileSync(a)).digest("hex"),
    });
    const [ra, rb] = [await referenceMeans(model, a, 64), await referenceMeans(model, b, 64)];
    for (const layer of [0, 1]) {
      const expected = Float64Array.from(
        ra[layer] as Float64Array,
        (x, i) => x - ((rb[layer] as Float64Array)[i] as number),
      );
      const got =
        layer === 0
          ? Float32Array.from(
              { length: 64 },
              (_, i) => (file.arrays?.mean_a?.[i] as number) - (file.arrays?.mean_b?.[i] as number),
            )
          : (file.directions.get(layer) as Float32Array);
      const scale = Math.max(...expected.map(Math.abs));
      const worst = Math.max(...got.map((x, i) => Math.abs(x - (expected[i] as number))));
      console.log(
        `block ${layer}: max |captured − reference| ${worst.toExponential(2)} of max ${scale.toExponential(2)}`,
      );
      expect(worst / scale).toBeLessThan(1e-5); // measured ~8e-7: F32 weights, F32 KV cache, no flash attention
    }
    // Block 0's direction, which has no direction.0, is ablated from the means measure kept.
    const edited = await ablate({
      model,
      directions: out,
      out: temp.path("block0.gguf"),
      config: parseAblateConfig("direction_layer: 0\ntargets: [attn_output]\n", "test.yaml"),
    });
    expect(edited.tensors.map((t) => t.name)).toEqual([
      "blk.0.attn_output.weight",
      "blk.1.attn_output.weight",
    ]);

    // projected: each block's direction loses its part along set b's mean at that block.
    const gguf = await openGguf(model);
    const plan = (yaml: string) =>
      planEdits(gguf, file, {
        model,
        directions: out,
        out: temp.path("unused.gguf"),
        config: parseAblateConfig(yaml, "t.yaml"),
      });
    const means = file.arrays?.mean_b;
    if (means === undefined) throw new Error("measure kept no means");
    const meanB = (block: number) => means.subarray(block * 64, (block + 1) * 64);
    const cosWithB = (d: Float32Array, block: number) =>
      d.reduce((s, x, i) => s + x * (meanB(block)[i] as number), 0) / Math.hypot(...meanB(block));
    try {
      const projected = plan("direction_layer: 1\nprojected: true\ntargets: [attn_output]\n");
      for (const [block, edit] of projected.entries())
        expect(Math.abs(cosWithB(edit.ablation.direction, block)), `block ${block}`).toBeLessThan(1e-5);
      const plain = plan("direction_layer: 1\ntargets: [attn_output]\n");
      expect(Math.abs(cosWithB(plain[1]?.ablation.direction as Float32Array, 1))).toBeGreaterThan(1e-3);
    } finally {
      await gguf.close();
    }
  }, 180_000);

  it("the CLI prints each block's norm and writes the file", async () => {
    const model = await tinyModelPath(F32_MODEL);
    const out = temp.path("cli.gguf");
    const result = runCli([
      "surgery",
      "measure",
      "--model",
      model,
      "--a",
      promptFile("a2.jsonl", A),
      "--b",
      promptFile("b2.jsonl", B),
      "--out",
      out,
      "--threads",
      "1",
    ]);
    expect(result.stderr).toMatch(/measuring: 6\/6 prompts/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^3 \+ 3 prompts, 2 blocks, width 64, position assistant-start$/m);
    expect(result.stdout).toMatch(/^ {2}block 1: ‖mean_a − mean_b‖ \d\.\d{3}e[+-]\d+$/m);
    expect((await readDirections(out)).directions.size).toBe(1);
    const bad = runCli([
      "surgery",
      "measure",
      "--model",
      model,
      "--a",
      out,
      "--b",
      out,
      "--out",
      temp.path("x.gguf"),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not a JSON value/);
  }, 180_000);
});
