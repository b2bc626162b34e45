/**
 * `surgery analyze` against metrics worked out by hand on a two-dimensional directions file (the formulas of
 * shared/reference/surgery.md §1.2), the by-construction flag for a projected direction, the warning when a
 * prompt set changed since measuring, and the CLI's table and vega plot.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze, writeDirections } from "../../packages/overtone/src/surgery/index.js";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../support/gguf-samples.js";

const temp = tempDir("overtone-analyze-");
afterAll(() => temp.remove());
let file: string;
const setA = temp.path("a.jsonl");

async function directionsFile(name: string, notes: Record<string, string | number>): Promise<string> {
  const path = temp.path(name);
  await writeDirections(path, {
    modelHint: "gpt-oss",
    width: 2,
    directions: new Map([[1, Float32Array.from([1, 0])]]),
    notes,
    arrays: {
      // block 0: a = (1, 0), b = (0, 1); block 1: a = (2, 0), b = (1, 0)
      mean_a: Float32Array.from([1, 0, 2, 0]),
      mean_b: Float32Array.from([0, 1, 1, 0]),
      spread_a: Float32Array.from([1, 1]),
      spread_b: Float32Array.from([1, 1]),
    },
  });
  return path;
}

beforeAll(async () => {
  writeFileSync(setA, '"What is 2 + 2?"\n');
  const { createHash } = await import("node:crypto");
  const sha = createHash("sha256").update(readFileSync(setA)).digest("hex");
  file = await directionsFile("d.gguf", { "set_a.sha256": sha, "set_a.path": "a.jsonl" });
});

describe("surgery analyze", () => {
  it("computes the published metrics per block", async () => {
    const result = await analyze(file);
    const [b0, b1] = result.layers;
    expect(b0?.cosMeans).toBeCloseTo(0, 6);
    expect(b0?.cosAG).toBeCloseTo(Math.SQRT1_2, 6);
    expect(b0?.cosBG).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(b0?.snr).toBeCloseTo(Math.SQRT2, 6);
    expect(b0?.purity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(b0?.quality).toBeCloseTo(1, 6);
    expect(b0?.separation).toBeCloseTo(Math.SQRT2, 6);
    expect(b0?.rotation).toBeUndefined();
    expect(b1?.cosMeans).toBeCloseTo(1, 6);
    expect(b1?.quality).toBeCloseTo(0, 6);
    expect(b1?.rotation).toBeCloseTo(Math.SQRT1_2, 6);
    expect(result.best).toBe(0);
    expect(result.byConstruction).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it("flags what a projection makes true, warns when a prompt set changed, refuses a file without means", async () => {
    const projected = await analyze(await directionsFile("p.gguf", { projected: "yes" }));
    expect(projected.byConstruction[0]).toMatch(/purity ≈ 1: the direction was projected/);
    const changed = temp.path("a-changed.jsonl");
    writeFileSync(changed, '"What is 2 + 2?"\n"And 3 + 3?"\n');
    expect((await analyze(file, { a: changed })).warnings[0]).toMatch(
      /prompt set a \(a-changed\.jsonl\) changed since it was measured \(a\.jsonl\)/,
    );
    expect((await analyze(file, { a: setA })).warnings).toEqual([]);
    const bare = temp.path("bare.gguf");
    await writeDirections(bare, {
      modelHint: "gpt-oss",
      width: 2,
      directions: new Map([[1, Float32Array.from([1, 0])]]),
      notes: {},
    });
    await expect(analyze(bare)).rejects.toThrow(/has no per-block means/);
  });

  it("the CLI prints the table and the best block, and draws the plot with vega", () => {
    const plot = temp.path("plot.svg");
    const result = runCli(["surgery", "analyze", file, "--plot", plot]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^block +cos\(a,b\) +cos\(a,g\) +cos\(b,g\) +SNR +purity +quality +separation +rotation$/m,
    );
    expect(result.stdout).toMatch(/^0 +0\.000 +0\.707 +-0\.707 +1\.414 +0\.707 +1\.000 +1\.414 +—$/m);
    expect(result.stdout).toMatch(/^best quality: block 0/m);
    const svg = readFileSync(plot, "utf8");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("direction quality per block");
  });
});
