/**
 * `npm run bench:engine` (`tsx bench/engine.bench.ts [--model <path.gguf>]`): the embedded engine's overhead.
 *
 * 1. Overtone (rendered ids → engine → Harmony parser → Parts) against raw node-llama-cpp (the same ids fed to
 *    a context's sequence, tokens read and dropped): same GGUF, same threads, same prompts, greedy, in paired
 *    rounds (the two sides of a round run back to back, in alternating order). Prefill speed on a ~100-token
 *    and a ~1,200-token prompt, decode speed, and the CPU time per run (which other processes on a shared
 *    machine disturb far less than wall time), as ratios. Goal: ≥ 0.97.
 *    Overtone also has a fixed cost per request that raw does not show: it keeps the previous request's KV
 *    cache for prefix reuse and erases what differs before the prefill, while raw gets a fresh sequence whose
 *    clearing happens in the previous run's dispose(), outside its timing. That cost is printed in ms; on the
 *    tiny model's ~10 ms short prefill it weighs a few percent, on a ~1,200-token prompt (a gpt-oss prompt
 *    with instructions or tools) well under one.
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
const CONTEXT = 2048;

const at = process.argv.indexOf("--model");
const path = at >= 0 && process.argv[at + 1] ? (process.argv[at + 1] as string) : await tinyModelPath();
const model = await loadModel(path, { contextSize: CONTEXT });
const threads = model.info.threads;
const longTokens = benchPrompt(0, true).length;
console.log(`model: ${path}`);
console.log(
  `threads: ${threads} (auto); ${TOKENS} greedy tokens after a ${benchPrompt(0).length}- or ${longTokens}-token prompt; ${ROUNDS} paired rounds`,
);

const raw = await model.nativeModel.createContext({ contextSize: CONTEXT, threads, sequences: 1 });
const runs = {
  short: { ours: [] as Speed[], base: [] as Speed[] },
  long: { ours: [] as Speed[], base: [] as Speed[] },
};
// Warm-up: first-run costs (page cache, allocations, JIT) belong to neither side.
await overtoneRun(model, benchPrompt(-1), 16);
await rawRun(raw, benchPrompt(-1), 16);
for (let round = 0; round < ROUNDS; round++) {
  for (const size of ["short", "long"] as const) {
    const prompt = benchPrompt(round, size === "long");
    const { ours, base } = runs[size];
    if (round % 2 === 0) {
      ours.push(await overtoneRun(model, prompt, TOKENS));
      base.push(await rawRun(raw, prompt, TOKENS));
    } else {
      base.push(await rawRun(raw, prompt, TOKENS));
      ours.push(await overtoneRun(model, prompt, TOKENS));
    }
  }
}
await raw.dispose();

/** The median of the per-round ratios: both sides of a round ran under the same load. */
const paired = (ours: Speed[], base: Speed[], ratio: (o: Speed, b: Speed) => number) =>
  median(ours.map((o, i) => ratio(o, base[i] as Speed)));
const cell = (text: string) => text.padStart(12);
console.log(
  `\n${"".padEnd(16)} ${cell("raw nlc")} ${cell("overtone")} ${cell("ratio")} ${cell("paired ratio")}`,
);
const rows = [
  ["prefill, short", "short", "prefill"],
  ["prefill, long", "long", "prefill"],
  ["decode", "short", "decode"],
] as const;
for (const [label, size, key] of rows) {
  const { ours, base } = runs[size];
  const b = median(base.map((s) => s[key]));
  const o = median(ours.map((s) => s[key]));
  const p = paired(ours, base, (x, y) => x[key] / y[key]);
  console.log(`${label.padEnd(16)} ${fmt(b)} ${fmt(o)} ${cell((o / b).toFixed(3))} ${cell(p.toFixed(3))}`);
}
const { ours, base } = runs.short;
const cpuBase = median(base.map((s) => s.cpuMs));
const cpuOurs = median(ours.map((s) => s.cpuMs));
const cpuPaired = paired(ours, base, (x, y) => y.cpuMs / x.cpuMs);
console.log(
  `${"CPU/run".padEnd(16)} ${cell(`${cpuBase.toFixed(1)} ms`)} ${cell(`${cpuOurs.toFixed(1)} ms`)} ${cell((cpuBase / cpuOurs).toFixed(3))} ${cell(cpuPaired.toFixed(3))}   (raw ÷ overtone)`,
);
const fixed = paired(ours, base, (x, y) => x.firstTokenMs - y.firstTokenMs);
console.log(
  `fixed cost per request (time to first token, overtone − raw, short prompt): ${fixed.toFixed(2)} ms`,
);
console.log("goal: every ratio ≥ 0.97");

const sweep = await threadSweep(model.nativeModel, [1, 2, 3, 4], {
  rounds: 5,
  tokens: TOKENS,
  contextSize: CONTEXT,
  maxMs: 2000,
});
console.log("\nthread sweep (raw node-llama-cpp, a fresh context per run, medians of 5):");
for (const row of sweep) {
  const label = `${row.threads}${row.threads === threads ? " (auto)" : ""}`;
  console.log(`  ${label.padEnd(9)} prefill ${fmt(row.prefill)}  decode ${fmt(row.decode)}`);
}
const best = sweep.reduce((a, b) => (b.decode > a.decode ? b : a));
const autoRow = sweep.find((r) => r.threads === threads);
if (autoRow !== undefined) {
  console.log(
    `auto (${threads}) vs best (${best.threads}) decode: ratio ${(autoRow.decode / best.decode).toFixed(2)}`,
  );
}
await model.dispose();
await disposeEngineLlama();
