/**
 * Embedded batching (issue 14, item 5), a section of `npm run bench:gateway`: one embedded model loaded with
 * `parallel: 4` (four sequences of one context), and greedy streams on it, one alone and then four at once.
 * With four, node-llama-cpp puts the next token of every stream into one `llama_decode`, so a step reads the
 * weights once for all four. Aggregate decode speed: every stream's tokens after its first, over the time from
 * the first stream's first token to the last stream's last (prefill left out, as a decode speed should).
 * Goal: four streams ≥ 2× the aggregate tokens per second of one. Rounds alternate (1, 4, 4, 1, …) so drift in
 * the machine's load hits both alike; medians. Default model: the trained toy gpt-oss; `--model <path.gguf>`.
 *
 * Raw node-llama-cpp (four sequences of a context of its own, the same prompts, tokens read and dropped) runs the
 * same comparison: its ratio is what llama.cpp's batching gives this model on this machine, so a gap between the
 * two rows would be Overtone's. On the toy model both stay well under 2× (1.3–1.5× on the 2-core CI machine):
 * its decode step is compute-bound (an F32 output head over a 200k vocabulary, on one thread), and batching
 * saves weight reads, which is what a real gpt-oss step on a CPU or GPU spends its time on, not arithmetic.
 */
import { conversation, message, systemContent, systemMessage } from "@overtone/harmony";
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import {
  disposeEngineLlama,
  type EngineModel,
  loadModel,
  promptTokens,
} from "../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../test/support/toy-model.js";

const TOKENS = 128;
const ROUNDS = 4;
const STREAMS = 4;

const prompt = (i: number) =>
  promptTokens(
    conversation([
      systemMessage(systemContent({ reasoning_effort: "Low" })),
      message("user", `Tell me about city number ${i}, and then about the weather there.`),
    ]),
  );

/** Arrival times of one stream's ids. */
type Stream = (i: number, prompt: readonly number[]) => Promise<number[]>;

const overtone =
  (model: EngineModel): Stream =>
  async (_i, ids) => {
    const times: number[] = [];
    for await (const _id of model.tokens(ids, { temperature: 0, maxTokens: TOKENS }))
      times.push(performance.now());
    return times;
  };

const raw =
  (sequences: readonly LlamaContextSequence[]): Stream =>
  async (i, ids) => {
    const sequence = sequences[i] as LlamaContextSequence;
    await sequence.clearHistory();
    const times: number[] = [];
    for await (const _id of sequence.evaluate(ids as Token[], { temperature: 0 })) {
      times.push(performance.now());
      if (times.length === TOKENS) break;
    }
    return times;
  };

/** Aggregate decode tokens per second of `streams` greedy generations at once. */
async function decodeSpeed(stream: Stream, streams: number, round: number): Promise<number> {
  const runs = Array.from({ length: streams }, (_, i) => stream(i, prompt(round * STREAMS + i)));
  const all = await Promise.all(runs);
  const first = Math.min(...all.map((t) => t[0] ?? Number.POSITIVE_INFINITY));
  const last = Math.max(...all.map((t) => t.at(-1) ?? 0));
  const decoded = all.reduce((sum, t) => sum + Math.max(0, t.length - 1), 0);
  return (decoded / (last - first)) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Median aggregate decode speed of one stream and of STREAMS at once. */
async function compare(stream: Stream): Promise<[number, number]> {
  await decodeSpeed(stream, STREAMS, 99); // warm-up
  const one: number[] = [];
  const four: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sides = [
      async () => one.push(await decodeSpeed(stream, 1, round)),
      async () => four.push(await decodeSpeed(stream, STREAMS, round)),
    ];
    if (round % 2 === 1) sides.reverse();
    for (const side of sides) await side();
  }
  return [median(one), median(four)];
}

export async function embeddedBatching(path?: string): Promise<void> {
  const model = await loadModel(path ?? (await toyModelPath()), { contextSize: 1024, parallel: STREAMS });
  const { threads } = model.info;
  const context = await model.nativeModel.createContext({ contextSize: 1024, threads, sequences: STREAMS });
  try {
    const sequences = Array.from({ length: STREAMS }, () => context.getSequence());
    const rows: [string, [number, number]][] = [
      ["overtone", await compare(overtone(model))],
      ["raw nlc", await compare(raw(sequences))],
    ];
    console.log(
      `\nEmbedded batching (${model.info.path.split("/").at(-1)}, ${threads} threads, parallel ${STREAMS}, greedy, up to ${TOKENS} tokens per stream, medians of ${ROUNDS}): aggregate decode tok/s`,
    );
    for (const [label, [a, b]] of rows) {
      console.log(
        `  ${label.padEnd(9)} 1 stream ${a.toFixed(0).padStart(6)}   ${STREAMS} streams ${b.toFixed(0).padStart(6)}   ${(b / a).toFixed(2)}×`,
      );
    }
    console.log("  goal: overtone's 4 streams ≥ 2× its 1 stream");
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--model");
  await embeddedBatching(at >= 0 ? process.argv[at + 1] : undefined);
  await disposeEngineLlama();
}
