/**
 * `npm run bench:engine` (`tsx bench/engine.bench.ts [--model <path.gguf>]`): the embedded engine's overhead.
 *
 * 1. Overtone (rendered ids → engine → Harmony parser → Parts) against raw node-llama-cpp (the same ids fed to
 *    a context's sequence, tokens read and dropped): same GGUF, same threads, same prompts, greedy, in paired
 *    rounds (the sides of a round run back to back, each first in turn). Prefill speed on a ~100-token
 *    and a ~1,200-token prompt, decode speed, and the CPU time per run (which other processes on a shared
 *    machine disturb far less than wall time), as ratios. Goal: ≥ 0.97. A second raw context runs in every
 *    round too: its ratio to the first ("raw vs raw") is what two identical sides differ by here, the noise
 *    floor to read the other ratios against.
 *    Prefill is timed from the start of evaluation on both sides, so KV-cache bookkeeping is outside it alike:
 *    raw gets a fresh sequence and clears it in dispose(), untimed; Overtone keeps the previous request's cache
 *    for prefix reuse and erases what differs just before the prefill (or clears it all when the shared prefix is
 *    under an eighth of the prompt, as here). That erase is real latency, so it is
 *    printed too (ms per request), and the time to first token, which includes it, gets its own row: on the
 *    tiny model's ~8 ms short prefill the erase after a long request (~0.5 ms: llama.cpp dropping ~1,300
 *    cells) weighs several percent; on a real gpt-oss prefill of ~1 s, a twentieth of one.
 * 2. The automatic thread count against a manual sweep of 1–4 threads (bench/engine-threads.bench.ts has the
 *    longer version).
 * 3. Cold start: `overtone run --model toy` in a fresh process, first with the thread probe and then with the
 *    remembered count, against node-llama-cpp's own load and the same generation (bench/engine-cold-start.ts).
 * Default model: the tiny gpt-oss of the tests — the worst case for overhead, since its decode step is the
 * shortest (a real model's step is ~100× longer, so the same per-token cost weighs ~100× less).
 */
import { disposeEngineLlama, loadModel } from "../packages/overtone/src/engine/index.js";
import { tinyModelPath } from "../test/support/tiny-models.js";
import { coldStart } from "./engine-cold-start.js";
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
// A second raw context: raw against raw shows how far two identical sides differ here (the noise floor).
const control = await model.nativeModel.createContext({ contextSize: CONTEXT, threads, sequences: 1 });
const runs = {
  short: { ours: [] as Speed[], base: [] as Speed[], again: [] as Speed[] },
  long: { ours: [] as Speed[], base: [] as Speed[], again: [] as Speed[] },
};
// Warm-up: first-run costs (page cache, allocations, JIT) belong to neither side.
await overtoneRun(model, benchPrompt(-1), 16);
await rawRun(raw, benchPrompt(-1), 16);
await rawRun(control, benchPrompt(-1), 16);
for (let round = 0; round < ROUNDS; round++) {
  for (const size of ["short", "long"] as const) {
    const prompt = benchPrompt(round, size === "long");
    const { ours, base, again } = runs[size];
    const sides = [
      async () => ours.push(await overtoneRun(model, prompt, TOKENS)),
      async () => base.push(await rawRun(raw, prompt, TOKENS)),
      async () => again.push(await rawRun(control, prompt, TOKENS)),
    ];
    // Each side runs first, second and third equally often.
    for (let k = 0; k < sides.length; k++)
      await (sides[(round + k) % sides.length] as () => Promise<number>)();
  }
}
await raw.dispose();
await control.dispose();

/** The median of the per-round ratios: both sides of a round ran under the same load. */
const paired = (ours: Speed[], base: Speed[], ratio: (o: Speed, b: Speed) => number) =>
  median(ours.map((o, i) => ratio(o, base[i] as Speed)));
const cell = (text: string) => text.padStart(12);
console.log(
  `\n${"".padEnd(16)} ${cell("raw nlc")} ${cell("overtone")} ${cell("ratio")} ${cell("paired ratio")} ${cell("raw vs raw")}`,
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
  const floor = paired(runs[size].again, base, (x, y) => x[key] / y[key]);
  console.log(
    `${label.padEnd(16)} ${fmt(b)} ${fmt(o)} ${cell((o / b).toFixed(3))} ${cell(p.toFixed(3))} ${cell(floor.toFixed(3))}`,
  );
}
const { ours, base } = runs.short;
const cpuBase = median(base.map((s) => s.cpuMs));
const cpuOurs = median(ours.map((s) => s.cpuMs));
const cpuPaired = paired(ours, base, (x, y) => y.cpuMs / x.cpuMs);
console.log(
  `${"CPU/run".padEnd(16)} ${cell(`${cpuBase.toFixed(1)} ms`)} ${cell(`${cpuOurs.toFixed(1)} ms`)} ${cell((cpuBase / cpuOurs).toFixed(3))} ${cell(cpuPaired.toFixed(3))}   (raw ÷ overtone)`,
);
const ttft = paired(ours, base, (x, y) => y.firstTokenMs / x.firstTokenMs);
const ttftBase = median(base.map((s) => s.firstTokenMs));
const ttftOurs = median(ours.map((s) => s.firstTokenMs));
console.log(
  `${"1st token, short".padEnd(16)} ${cell(`${ttftBase.toFixed(2)} ms`)} ${cell(`${ttftOurs.toFixed(2)} ms`)} ${cell((ttftBase / ttftOurs).toFixed(3))} ${cell(ttft.toFixed(3))}   (raw ÷ overtone; includes the bookkeeping)`,
);
const bookkeeping = median(ours.map((s) => s.bookkeepingMs));
const fixed = paired(ours, base, (x, y) => x.firstTokenMs - y.firstTokenMs);
console.log(
  `Overtone's KV-cache bookkeeping before a short prompt's prefill (after a long request): ${bookkeeping.toFixed(2)} ms; time to first token, overtone − raw: ${fixed.toFixed(2)} ms`,
);
console.log("goal: prefill, decode and CPU ratios ≥ 0.97");

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
await coldStart();
