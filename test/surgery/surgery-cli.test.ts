/**
 * `overtone surgery ablate` as a user meets it: flags or the published config keys (`model`, `measurements`,
 * `output`), a table of ‖r̂ᵀW‖ before and after per edited tensor, the file written, the input untouched; bad
 * configs and missing flags are one line on stderr with the exit status of an input error.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDirections } from "../../packages/overtone/src/surgery/index.js";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../support/gguf-samples.js";
import { tinyModelPath } from "../support/tiny-models.js";

const temp = tempDir("overtone-surgery-cli-");
let model: string;
let directions: string;

beforeAll(async () => {
  model = await tinyModelPath({ biasStd: 0.05, seed: 3 });
  directions = temp.path("directions.gguf");
  const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i + 1));
  await writeDirections(directions, {
    modelHint: "gpt-oss",
    width: 64,
    directions: new Map([[1, values]]),
    notes: {},
  });
});
afterAll(() => temp.remove());

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("overtone surgery ablate", () => {
  it("writes the edited copy, prints each tensor's write along r̂ before and after, leaves the input alone", () => {
    const config = temp.path("all.yaml");
    writeFileSync(config, "direction_layer: 1\n");
    const before = sha(model);
    const out = temp.path("out.gguf");
    const result = runCli([
      "surgery",
      "ablate",
      "--model",
      model,
      "--directions",
      directions,
      "--config",
      config,
      "--out",
      out,
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^tensor +type +‖r̂ᵀW‖ before +after +left +rows re-encoded/m);
    expect(result.stdout).toMatch(
      /^blk\.1\.ffn_down_exps\.weight +MXFP4 +\d\.\d{3}e[+-]\d+ +\d\.\d{3}e[+-]\d+ +\d+\.\d{3}% +256\/256$/m,
    );
    expect(result.stdout).toMatch(/^token_embd\.weight +F16 /m);
    expect(result.stdout).toMatch(/^wrote .*out\.gguf \(/m);
    expect(sha(model)).toBe(before);
    expect(existsSync(out)).toBe(true);
  }, 120_000);

  it("takes model, measurements and output from a published-style config; --json", () => {
    const out = temp.path("from-config.gguf");
    const config = temp.path("published.yaml");
    writeFileSync(
      config,
      `model: ${model}\nmeasurements: ${directions}\noutput: ${out}\ntargets: [self_attn.o_proj.weight]\nablate:\n  - layer: 1\n    measurement: 1\n    scale: 1.0\n    sparsity: 0.0\n`,
    );
    const result = runCli(["surgery", "ablate", "--config", config, "--json"]);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as { path: string; tensors: { name: string }[] };
    expect(json.path).toBe(out);
    expect(json.tensors.map((t) => t.name)).toEqual(["blk.1.attn_output.weight"]);
  }, 120_000);

  it("refuses a bad config or a missing flag in one line, writing nothing", () => {
    const bad = temp.path("bad.yaml");
    writeFileSync(bad, "direction_layer: 1\ntargets: [mlp.router.weight]\n");
    const out = temp.path("never.gguf");
    const args = ["surgery", "ablate", "--model", model, "--directions", directions, "--out", out];
    const refused = runCli([...args, "--config", bad]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/input-side target/);
    expect(refused.stderr.trim().split("\n")[0]).toMatch(/^overtone: /);
    const noModel = temp.path("no-model.yaml");
    writeFileSync(noModel, "direction_layer: 1\n");
    const missing = runCli([
      "surgery",
      "ablate",
      "--config",
      noModel,
      "--directions",
      directions,
      "--out",
      out,
    ]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/--model is missing/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
