/**
 * `npx tsx bench/engine-threads.bench.ts [--medium | --model <path.gguf>]`: is the engine's automatic thread
 * count (src/engine/threads.ts) at least as fast as the best manual setting on this machine?
 *
 * Sweeps 1–4 threads through raw node-llama-cpp (one context per setting, interleaved rounds, medians), marks
 * the count `loadModel` picks by itself, and prints auto's decode and prefill speed against the best setting's.
 * Default model: the tiny gpt-oss of the tests (~26 MB of weights per token); `--medium`: the 440 MB 8-layer
 * gpt-oss of `bench:gguf` (~210 MB per token). The rule picks one thread per physical math core for both.
 */
import { disposeEngineLlama, loadModel } from "../packages/overtone/src/engine/index.js";
import { engineLlama } from "../packages/overtone/src/engine/llama-runtime.js";
import { tinyModelPath } from "../test/support/tiny-models.js";
import { fmt, threadSweep } from "./engine-measure.js";
import { mediumModelPath } from "./medium-model.js";

async function modelPath(): Promise<string> {
  const at = process.argv.indexOf("--model");
  if (at >= 0 && process.argv[at + 1]) return process.argv[at + 1] as string;
  if (!process.argv.includes("--medium")) return tinyModelPath();
  return mediumModelPath();
}

const path = await modelPath();
const model = await loadModel(path, { contextSize: 1024 });
const llama = await engineLlama();
const auto = model.info.threads;
const mb = ((model.info.activeBytes ?? 0) / 2 ** 20).toFixed(1);
console.log(`model: ${path}`);
console.log(`math cores ${llama.cpuMathCores}; weights read per token ${mb} MiB → auto = ${auto} thread(s)`);

const medium = process.argv.includes("--medium");
const rows = await threadSweep(model.nativeModel, [1, 2, 3, 4], {
  rounds: 5,
  tokens: medium ? 24 : 64,
  contextSize: 1024,
  maxMs: medium ? 3000 : 2000,
});
console.log(`\n${"threads".padEnd(10)} ${"prefill".padStart(12)} ${"decode".padStart(12)}`);
for (const row of rows) {
  console.log(
    `${`${row.threads}${row.threads === auto ? " (auto)" : ""}`.padEnd(10)} ${fmt(row.prefill)} ${fmt(row.decode)}`,
  );
}
const autoRow = rows.find((r) => r.threads === auto);
const bestDecode = rows.reduce((a, b) => (b.decode > a.decode ? b : a));
const bestPrefill = rows.reduce((a, b) => (b.prefill > a.prefill ? b : a));
if (autoRow !== undefined) {
  console.log(
    `\nauto vs best decode:  ${fmt(autoRow.decode)} vs ${fmt(bestDecode.decode)} (${bestDecode.threads} threads)  ratio ${(autoRow.decode / bestDecode.decode).toFixed(2)}`,
  );
  console.log(
    `auto vs best prefill: ${fmt(autoRow.prefill)} vs ${fmt(bestPrefill.prefill)} (${bestPrefill.threads} threads)  ratio ${(autoRow.prefill / bestPrefill.prefill).toFixed(2)}`,
  );
} else {
  console.log(`\nauto = ${auto} threads is outside the sweep`);
}
await model.dispose();
await disposeEngineLlama();
