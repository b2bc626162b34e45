/**
 * `npm run bench:surgery` (issue 18): `surgery ablate` on the ≥ 400 MB MXFP4 gpt-oss the benches share, against
 * `cp` of the same file in the same run (goal ≥ 0.5× its speed), and the ablation's peak resident memory against
 * the largest tensor (goal < 2×: tensors are streamed, never held whole). Two edits: every residual writer
 * (token_embd's 103 M F16 values decoded, edited and re-encoded dominate) and attention only (the experts and
 * the embedding copied as they are). Each ablation runs in a child process (bench/surgery-ablate-child.ts) so its
 * peak memory is its own; runs alternate with the copies and each side keeps its fastest (page cache warm for
 * both). The capture overhead goal is measured by bench/surgery-capture.bench.ts, which `npm run bench:surgery`
 * runs next.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { openGguf } from "@overtone/gguf/node";
import { writeDirections } from "../packages/overtone/src/surgery/index.js";
import { BENCH_DIR, mediumModelPath } from "./medium-model.js";

const ROUNDS = 2;
const model = await mediumModelPath();
const file = await openGguf(model);
const width = Number((file.metadata.get("gpt-oss.embedding_length") as { value: number }).value);
const blocks = Number((file.metadata.get("gpt-oss.block_count") as { value: number }).value);
const largest = file.tensors.reduce((a, t) => (t.bytes > a.bytes ? t : a));
await file.close();
const size = statSync(model).size;

const directions = join(BENCH_DIR, "surgery-directions.gguf");
const values = (n: number) => Float32Array.from({ length: width }, (_, i) => Math.sin(n * 7 + i));
await writeDirections(directions, {
  modelHint: "gpt-oss",
  width,
  directions: new Map(Array.from({ length: blocks - 1 }, (_, i) => [i + 1, values(i + 1)] as const)),
  notes: { position: "bench: synthetic directions" },
});
const out = join(BENCH_DIR, "surgery-out.gguf");

function copyMs(): number {
  const started = performance.now();
  copyFileSync(model, out);
  const ms = performance.now() - started;
  rmSync(out);
  return ms;
}

function ablateRun(yaml: string): { ms: number; maxRssBytes: number; tensors: number } {
  const text = execFileSync(
    process.execPath,
    ["--import", "tsx", "bench/surgery-ablate-child.ts", model, directions, out, yaml],
    { encoding: "utf8" },
  );
  rmSync(out);
  return JSON.parse(text.trim().split("\n").at(-1) as string);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
console.log(
  `\nsurgery ablate vs cp on ${model} (${mb(size)}; largest tensor ${largest.name}, ${largest.typeName}, ${mb(largest.bytes)})`,
);
for (const [label, yaml] of [
  ["every residual writer", "direction_layer: 1\n"],
  ["attention only", "direction_layer: 1\ntargets: [attn_output, attn_output.bias]\n"],
] as const) {
  let copy = Number.POSITIVE_INFINITY;
  let best = { ms: Number.POSITIVE_INFINITY, maxRssBytes: 0, tensors: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    copy = Math.min(copy, copyMs());
    const run = ablateRun(yaml);
    if (run.ms < best.ms) best = run;
  }
  console.log(
    `${label.padEnd(22)} ablate ${(best.ms / 1000).toFixed(2)} s (${best.tensors} tensors), cp ${(copy / 1000).toFixed(2)} s: ` +
      `${(copy / best.ms).toFixed(2)}× cp's speed (goal ≥ 0.5×); peak RSS ${mb(best.maxRssBytes)} = ` +
      `${(best.maxRssBytes / largest.bytes).toFixed(2)}× the largest tensor (goal < 2×)`,
  );
}
