/**
 * `npm run bench:engine` (`tsx bench/engine.bench.ts [--model <path.gguf>]`): the embedded engine's overhead.
 *
 * 1. Overtone (rendered ids → engine → Harmony parser → Parts) against raw node-llama-cpp (the same ids fed to
 *    a context's sequence, tokens read and dropped): same GGUF, same threads, same prompts, greedy, in paired
 *    rounds (the two sides of a round run back to back, in alternating order). Prefill and decode speed as
 *    ratios, plus the CPU time per run, which other processes on a shared machine disturb far less than wall
 *    time. Goal: ≥ 0.97.
 * 2. The automatic thread count against a manual sweep of 1–4 threads (bench/engine-threads.bench.ts has the
 *    longer version).
 * Default model: the tiny gpt-oss of the tests — the worst case for overhead, since its decode step is the
 * shortest (a real model's step is ~100× longer, so the same per-token cost weighs ~100× less).
 */
import { disposeEngineLlama, loadModel } from "../src/engine/index.js";
import { tinyModelPath } from "../test/support/tiny-models.js";
import { benchPrompt, fmt, median, overtoneRun, rawRun, type Speed, threadSweep } from "./engine-measure.js";

const ROUNDS = 21;
const TOKENS = 64;
const CONTEXT = 1024;

const at = process.argv.indexOf("--model");
const path = at >= 0 && process.argv[at + 1] ? (process.argv[at + 1] as string) : await tinyModelPath();
const model = await loadModel(path, { contextSize: CONTEXT });
const threads = model.info.threads;
console.log(`model: ${path}`);
console.log(
  `threads: ${threads} (auto); ${TOKENS} greedy tokens after a ~140-token prompt; ${ROUNDS} paired rounds`,
);

const raw = await model.nativeModel.createContext({ contextSize: CONTEXT, threads, sequences: 1 });
const ours: Speed[] = [];
const base: Speed[] = [];
// Warm-up: first-run costs (page cache, allocations, JIT) belong to neither side.
await overtoneRun(model, benchPrompt(-1), 16);
await rawRun(raw, benchPrompt(-1), 16);
for (let round = 0; round < ROUNDS; round++) {
  const prompt = benchPrompt(round);
  if (round % 2 === 0) {
    ours.push(await overtoneRun(model, prompt, TOKENS));
    base.push(await rawRun(raw, prompt, TOKENS));
  } else {
    base.push(await rawRun(raw, prompt, TOKENS));
    ours.push(await overtoneRun(model, prompt, TOKENS));
  }
}
await raw.dispose();

/** The median of the per-round ratios: both sides of a round ran under the same load. */
const paired = (ratio: (o: Speed, b: Speed) => number) =>
  median(ours.map((o, i) => ratio(o, base[i] as Speed)));
const cell = (text: string) => text.padStart(12);
console.log(
  `\n${"".padEnd(9)} ${cell("raw nlc")} ${cell("overtone")} ${cell("ratio")} ${cell("paired ratio")}`,
);
for (const key of ["prefill", "decode"] as const) {
  const b = median(base.map((s) => s[key]));
  const o = median(ours.map((s) => s[key]));
  const p = paired((x, y) => x[key] / y[key]);
  console.log(`${key.padEnd(9)} ${fmt(b)} ${fmt(o)} ${cell((o / b).toFixed(3))} ${cell(p.toFixed(3))}`);
}
const cpuBase = median(base.map((s) => s.cpuMs));
const cpuOurs = median(ours.map((s) => s.cpuMs));
const cpuPaired = paired((x, y) => y.cpuMs / x.cpuMs);
console.log(
  `${"CPU/run".padEnd(9)} ${cell(`${cpuBase.toFixed(1)} ms`)} ${cell(`${cpuOurs.toFixed(1)} ms`)} ${cell((cpuBase / cpuOurs).toFixed(3))} ${cell(cpuPaired.toFixed(3))}   (raw ÷ overtone)`,
);
console.log("goal: every ratio ≥ 0.97");

const rows = await threadSweep(model.nativeModel, [1, 2, 3, 4], {
  rounds: 5,
  tokens: TOKENS,
  contextSize: CONTEXT,
  maxMs: 2000,
});
console.log("\nthread sweep (raw node-llama-cpp, a fresh context per run, medians of 5):");
for (const row of rows) {
  const label = `${row.threads}${row.threads === threads ? " (auto)" : ""}`;
  console.log(`  ${label.padEnd(9)} prefill ${fmt(row.prefill)}  decode ${fmt(row.decode)}`);
}
const best = rows.reduce((a, b) => (b.decode > a.decode ? b : a));
const autoRow = rows.find((r) => r.threads === threads);
if (autoRow !== undefined) {
  console.log(
    `auto (${threads}) vs best (${best.threads}) decode: ratio ${(autoRow.decode / best.decode).toFixed(2)}`,
  );
}
await model.dispose();
await disposeEngineLlama();
