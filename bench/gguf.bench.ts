/**
 * `npm run bench:gguf`: GGUF editing and tensor codecs, each against a named baseline in the same run.
 * - A template change on a ≥ 400 MB gpt-oss GGUF (metadata edit, every tensor streamed through) against `cp` of
 *   the same file, both from page cache; peak RSS of the editing process against the largest tensor; the time
 *   to open the file (parse its 13 MB header).
 * - MXFP4 and Q8_0 decode/encode throughput against ggml's own C (libggml-base through koffi).
 * Goals (issue 3): edit ≥ 0.8× cp throughput; peak RSS < 2× the largest tensor.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { decodeTensorInto, encodedByteLength, encodeTensorInto, GGML_TYPE } from "@overtone/gguf";
import { openGguf } from "@overtone/gguf/node";
import { ggmlRow } from "../test/support/libggml.js";
import { BENCH_DIR, mediumModelPath } from "./medium-model.js";

const dir = BENCH_DIR;
const big = await mediumModelPath();
const size = statSync(big).size;
const file = await openGguf(big);
const largestTensor = Math.max(...file.tensors.map((t) => t.bytes));
await file.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const stats = (xs: number[]) => ({ best: Math.min(...xs), median: median(xs) });

/** One run of the child (a fresh process: the edit, or only an open, is timed cold, as a CLI run would be). */
function child(...args: string[]): { seconds: number; maxRssBytes: number } {
  const run = spawnSync(process.execPath, ["--import", "tsx", "bench/gguf-edit-child.ts", ...args], {
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`bench child failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { seconds: number; maxRssBytes: number };
}

// cp and the edit take turns, so a burst of load from elsewhere on the machine hits both alike.
const RUNS = 7;
const out = join(dir, "out.gguf");
const cpTimes: number[] = [];
const edits: { seconds: number; maxRssBytes: number }[] = [];
const opens: number[] = [];
for (let i = 0; i < RUNS; i++) {
  rmSync(out, { force: true });
  const start = performance.now();
  execFileSync("cp", [big, out]);
  cpTimes.push((performance.now() - start) / 1000);
  rmSync(out, { force: true });
  edits.push(child(big, out));
  opens.push(child("--open-only", big).seconds);
}
rmSync(out, { force: true });
const cp = stats(cpTimes);
const edit = stats(edits.map((e) => e.seconds));
const maxRss = Math.max(...edits.map((e) => e.maxRssBytes));

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
const gbs = (s: number) => `${(size / s / 1e9).toFixed(2)} GB/s`;
console.log(
  `\nTemplate change on ${mb(size)} (largest tensor ${mb(largestTensor)}); baseline: cp, same file, page cache; ${RUNS} runs each, best / median`,
);
console.log(`  cp        ${gbs(cp.best)} / ${gbs(cp.median)}`);
console.log(
  `  overtone  ${gbs(edit.best)} / ${gbs(edit.median)}   ratio ${(cp.best / edit.best).toFixed(2)}× / ${(cp.median / edit.median).toFixed(2)}× (goal ≥ 0.8×)`,
);
console.log(
  `  peak RSS of the editing process ${mb(maxRss)} = ${(maxRss / largestTensor).toFixed(2)}× the largest tensor (goal < 2×)`,
);
const o = stats(opens);
console.log(
  `  opening it (header parse, fresh process): ${(o.best * 1000).toFixed(0)} / ${(o.median * 1000).toFixed(0)} ms`,
);

// Codecs: the same 16 M values through ours and ggml's C reference, best CPU time of several runs.
const N = 1 << 24;
const values = new Float32Array(N);
for (let i = 0; i < N; i++) values[i] = Math.sin(i * 0.37) * (1 + (i % 97) / 10);
function cpuSeconds(fn: () => void, runs = 5): number {
  fn();
  let bestTime = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const u = process.cpuUsage();
    fn();
    const d = process.cpuUsage(u);
    bestTime = Math.min(bestTime, (d.user + d.system) / 1e6);
  }
  return bestTime;
}
console.log(
  "\nCodecs, 16 M values; baseline: ggml's C (libggml-base, *_ref quantizers and dequantize_row_*)",
);
for (const [name, type, quantize, dequantize] of [
  ["MXFP4", GGML_TYPE.MXFP4, "quantize_row_mxfp4_ref", "dequantize_row_mxfp4"],
  ["Q8_0", GGML_TYPE.Q8_0, "quantize_row_q8_0_ref", "dequantize_row_q8_0"],
] as const) {
  const bytes = new Uint8Array(encodedByteLength(type, N));
  const ref = new Uint8Array(bytes.length);
  const decoded = new Float32Array(N);
  const rate = (s: number) => `${(N / s / 1e6).toFixed(0).padStart(5)} M values/s`;
  const oursEncode = cpuSeconds(() => encodeTensorInto(type, values, bytes));
  const ggmlEncode = cpuSeconds(() => ggmlRow(quantize, values, ref, N));
  const oursDecode = cpuSeconds(() => decodeTensorInto(type, bytes, decoded));
  const ggmlDecode = cpuSeconds(() => ggmlRow(dequantize, bytes, decoded, N));
  console.log(
    `  ${name.padEnd(5)} encode: ggml ${rate(ggmlEncode)}  overtone ${rate(oursEncode)}  ratio ${(ggmlEncode / oursEncode).toFixed(2)}×`,
  );
  console.log(
    `  ${name.padEnd(5)} decode: ggml ${rate(ggmlDecode)}  overtone ${rate(oursDecode)}  ratio ${(ggmlDecode / oursDecode).toFixed(2)}×`,
  );
}
