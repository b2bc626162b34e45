/**
 * `npx tsx bench/surgery-capture.bench.ts [--toy | --medium | --model <path.gguf>] [--tokens N]`: what capturing the
 * residual stream (engine/residual-capture.ts, llama.cpp's `cb_eval` asking for every `l_out-N`) costs against
 * a plain evaluation of the same tokens through the same binding with no callback (the baseline). Issue 18's
 * goal: ≤ 15% overhead.
 *
 * The callback splits the graph at every block output (the scheduler computes up to the asked-for node, hands
 * it over, then goes on), and copies n_embd × tokens floats per block out; both show in the ratio. Both
 * contexts have the same settings (flash attention off, F32 KV cache) and the same output rows, rounds
 * alternate between them, and each keeps its fastest round (the least disturbed on a shared machine).
 * Default model: the tiny F32 gpt-oss of the capture test; `--toy`: the shipped toy; `--medium`: the 460 MB
 * 8-block MXFP4 gpt-oss the other benches share (wider blocks, where the split graph costs relatively less).
 */
import { cpus } from "node:os";
import { openResidualCapture } from "../packages/overtone/src/engine/residual-capture.js";
import { tinyModelPath } from "../test/support/tiny-models.js";
import { toyModelPath } from "../test/support/toy-model.js";
import { measure } from "./measure.js";
import { mediumModelPath } from "./medium-model.js";

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function modelPath(): Promise<string> {
  const given = flag("--model");
  if (given !== undefined) return given;
  if (process.argv.includes("--toy")) return toyModelPath();
  if (process.argv.includes("--medium")) return mediumModelPath();
  return tinyModelPath({ expertsType: "f32", denseType: "f32", biasStd: 0.05, ff: 96, headDim: 24, seed: 7 });
}

const path = await modelPath();
const count = Number(flag("--tokens") ?? 128);
const threads = Math.min(2, cpus().length);
// Ordinary text tokens after a Harmony start; positions: the last token and two before it, as measure uses.
const tokens = [
  200006,
  1428,
  200008,
  ...Array.from({ length: count - 3 }, (_, i) => 1000 + ((i * 7919) % 50000)),
];
const positions = [count - 3, count - 2, count - 1];

const plain = openResidualCapture(path, { maxTokens: count, threads, noCallback: true });
const capture = openResidualCapture(path, { maxTokens: count, threads });
console.log(`model: ${path}`);
console.log(`${capture.layers} blocks × ${capture.embd} wide; ${count} tokens, ${threads} threads`);

let plainBest = Number.POSITIVE_INFINITY;
let captureBest = Number.POSITIVE_INFINITY;
const timePlain = () => {
  plainBest = Math.min(
    plainBest,
    measure(() => plain.capture(tokens, positions), 1500),
  );
};
const timeCapture = () => {
  captureBest = Math.min(
    captureBest,
    measure(() => capture.capture(tokens, positions), 1500),
  );
};
// Alternating which goes first, so neither always runs on a machine warmed (or disturbed) by the other.
for (let round = 0; round < 4; round++) {
  if (round % 2 === 0) {
    timePlain();
    timeCapture();
  } else {
    timeCapture();
    timePlain();
  }
}
plain.close();
capture.close();

const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
console.log(`plain evaluation (baseline, no callback): ${ms(plainBest)} per sequence`);
console.log(`evaluation with residual capture:         ${ms(captureBest)} per sequence`);
console.log(
  `capture / plain: ${(captureBest / plainBest).toFixed(3)}× (overhead ${((captureBest / plainBest - 1) * 100).toFixed(1)}%; goal ≤ 15%)`,
);
