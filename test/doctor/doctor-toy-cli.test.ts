/**
 * `overtone doctor` on the trained toy in the embedded engine (full tier: the toy model): with its Harmony
 * template every probe that applies passes (exit 0); behind a ChatML template the engine still renders Harmony
 * (the doctor says so: `template` warns about the file, the behaviour passes), and `--fix --out` writes the
 * repaired GGUF and re-runs the failed probes on it — before → after. Spawned without runCli's 120 s limit: on a
 * loaded 2-core machine a whole default run can take longer (bench/doctor.bench.ts has the quiet figures).
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { harmonyGgufName } from "../../packages/overtone/src/doctor/index.js";
import { runCliAsync } from "../cli/run-cli.js";
import { tempDir } from "../support/gguf-samples.js";
import { toyChatmlModelPath, toyModelPath } from "../support/toy-model.js";

describe("overtone doctor on the embedded toy", () => {
  it("Harmony template: every probe passes but Ollama's generate route (skipped), exit 0", async () => {
    const result = await runCliAsync(["doctor", "--gguf", await toyModelPath()]);
    console.log(result.stdout);
    for (const id of [
      "reachable",
      "model-family",
      "template",
      "sampling",
      "context",
      "channels",
      "tools",
      "effort",
      "structured-output",
    ]) {
      expect(result.stdout).toMatch(new RegExp(`PASS {2}${id} `));
    }
    expect(result.stdout).toMatch(/SKIP {2}generate-route/);
    expect(result.stdout).toMatch(/verdict: healthy \(1 skipped\)/);
    expect(result.status).toBe(0);
  }, 300_000);

  it("ChatML template: template warns (the engine renders Harmony itself); --fix writes the GGUF, after: template passes", async () => {
    const out = tempDir("overtone-doctor-fix-");
    try {
      const chatml = await toyChatmlModelPath();
      const result = await runCliAsync(["doctor", "--gguf", chatml, "--quick", "--fix", "--out", out.dir]);
      console.log(result.stdout);
      expect(result.stdout).toMatch(
        /WARN {2}template {10}the GGUF's template is chatml: fine here \(Overtone's engine renders Harmony/,
      );
      expect(result.stdout).toMatch(/PASS {2}channels/);
      expect(result.stdout).toMatch(/fixes written:\n {2}gguf-harmony-template \(for template\)/);
      expect(readdirSync(out.dir)).toEqual([harmonyGgufName(chatml)]);
      expect(result.stdout).toMatch(/after the fix \(re-run on the fixed file\):\n/);
      expect(result.stdout).toMatch(/^ {2}template {10}warn → pass {2}the GGUF's template is Harmony/m);
      expect(result.status).toBe(1);
    } finally {
      out.remove();
    }
  }, 300_000);
});
