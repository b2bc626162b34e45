/**
 * Embedded batching (issue 14, item 5), a section of `npm run bench:gateway`: one embedded model loaded with
 * `parallel: 4` (four sequences of one context), and greedy streams on it, one alone and then four at once.
 * With four, node-llama-cpp puts the next token of every stream into one `llama_decode`, so a step reads the
 * weights once for all four. Aggregate decode speed: every stream's tokens after its first, over the time from
 * the first stream's first token to the last stream's last (prefill left out, as a decode speed should).
 * Goal: four streams ≥ 2× the aggregate tokens per second of one. Medians of rounds that alternate (1, 4, 4, 1,
 * …, see compare) so drift in the machine's load hits all alike. Default model: the trained toy gpt-oss;
 * `--model <path.gguf>`.
 *
 * Raw node-llama-cpp (four sequences of a context of its own, the same prompts, tokens read and dropped) runs the
 * same comparison. Its four streams decode in batches of three, rotating which stream waits (node-llama-cpp
 * dispatches the next decode with whatever was asked for when the last batch's samplings finished); Overtone's
 * engine lines its streams up first (engine/decode-step.ts), so its batches hold all four. On this 2-core
 * machine neither reaches 2× on the toy or the bench's medium model (1.2–1.5×, llama-server too): a decode step
 * here is compute-bound (an F32 output head over a 200k vocabulary; a mixture of experts whose four tokens pick
 * different experts), and batching saves weight reads, which is what a real gpt-oss step spends its time on.
 *
 * A third row, llama-server (llama-server-batching.ts): llama.cpp's own server with `--parallel 4` on the same
 * GGUF and threads, the goal being Overtone's four streams ≥ 0.9× its four. Rounds interleave all three sides
 * (each round runs every side's 1 and 4 streams, in an order that rotates), so drift hits them alike.
 *
 * Every stream decodes exactly TOKENS tokens, on every side: the toy model answers these prompts in 9–16 tokens
 * and then `<|return|>`, too few to time a decode speed, and sides stopping at different points would not do the
 * same work. llama-server gets `ignore_eos` (it masks the end tokens' logits); Overtone has no such option (a
 * Harmony turn ends at `<|return|>`), so the bench passes an empty `stopTokens` and makes the loaded model report
 * no end-of-generation token (`isEogToken`, which both Overtone and node-llama-cpp's evaluate stop at). The
 * text after the answer is then the model rambling past its turn; the work per token is the same.
 */
import { conversation, message, systemContent, systemMessage } from "@overtone/harmony";
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import {
  disposeEngineLlama,
  type EngineModel,
  loadModel,
  promptTokens,
} from "../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../test/support/toy-model.js";
import { median } from "./engine-measure.js";
import { llamaServerStreams, type Stream } from "./llama-server-batching.js";

const TOKENS = 128;
const ROUNDS = 4;
const STREAMS = 4;

const NO_STOP: ReadonlySet<number> = new Set();

const prompt = (i: number) =>
  promptTokens(
    conversation([
      systemMessage(systemContent({ reasoning_effort: "Low" })),
      message("user", `Tell me about city number ${i}, and then about the weather there.`),
    ]),
  );

const overtone =
  (model: EngineModel): Stream =>
  async (_i, ids) => {
    const times: number[] = [];
    for await (const _id of model.tokens(ids, { temperature: 0, maxTokens: TOKENS, stopTokens: NO_STOP }))
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
  const short = all.find((t) => t.length !== TOKENS);
  if (short !== undefined) throw new Error(`a stream decoded ${short.length} tokens, not ${TOKENS}`);
  const first = Math.min(...all.map((t) => t[0] ?? Number.POSITIVE_INFINITY));
  const last = Math.max(...all.map((t) => t.at(-1) ?? 0));
  const decoded = all.reduce((sum, t) => sum + Math.max(0, t.length - 1), 0);
  return (decoded / (last - first)) * 1000;
}

/** Each side's median aggregate decode speed of one stream and of STREAMS at once, rounds interleaved. */
async function compare(sides: readonly Stream[]): Promise<[number, number][]> {
  for (const stream of sides) await decodeSpeed(stream, STREAMS, 99); // warm-up
  const speeds = sides.map(() => ({ one: [] as number[], four: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    const runs = sides.flatMap((stream, s) => [
      async () => speeds[s]?.one.push(await decodeSpeed(stream, 1, round)),
      async () => speeds[s]?.four.push(await decodeSpeed(stream, STREAMS, round)),
    ]);
    // Rotate which run goes first, and reverse every other round: 1 before 4 as often as after.
    const turn = (round * 2) % runs.length;
    const order = [...runs.slice(turn), ...runs.slice(0, turn)];
    if (round % 2 === 1) order.reverse();
    for (const run of order) await run();
  }
  return speeds.map(({ one, four }) => [median(one), median(four)]);
}

/** See the file comment: neither Overtone nor node-llama-cpp's evaluate stops at an end token any more. */
function ignoreEndTokens(model: LlamaModel): void {
  Object.defineProperty(model, "isEogToken", { value: () => false, configurable: true });
}

export async function embeddedBatching(path?: string): Promise<void> {
  const model = await loadModel(path ?? (await toyModelPath()), { contextSize: 1024, parallel: STREAMS });
  ignoreEndTokens(model.nativeModel);
  const { threads } = model.info;
  const context = await model.nativeModel.createContext({ contextSize: 1024, threads, sequences: STREAMS });
  const server = await llamaServerStreams(model.info.path, {
    threads,
    slots: STREAMS,
    slotContext: 1024,
    tokens: TOKENS,
  }).catch(async (error: unknown) => {
    await Promise.all([context.dispose(), model.dispose()]);
    throw error;
  });
  try {
    const sequences = Array.from({ length: STREAMS }, () => context.getSequence());
    const labels = ["overtone", "raw nlc", "llama-server"];
    const speeds = await compare([overtone(model), raw(sequences), server.stream]);
    console.log(
      `\nEmbedded batching (${model.info.path.split("/").at(-1)}, ${threads} threads, parallel ${STREAMS}, greedy, ${TOKENS} tokens per stream, end tokens ignored, medians of ${ROUNDS}): aggregate decode tok/s`,
    );
    for (const [i, [a, b]] of speeds.entries()) {
      console.log(
        `  ${labels[i]?.padEnd(12)} 1 stream ${a.toFixed(0).padStart(6)}   ${STREAMS} streams ${b.toFixed(0).padStart(6)}   ${(b / a).toFixed(2)}×`,
      );
    }
    const ours = speeds[0]?.[1] ?? 0;
    const theirs = speeds[2]?.[1] ?? 1;
    console.log("  goal: overtone's 4 streams ≥ 2× its 1 stream");
    console.log(
      `  overtone ${STREAMS} streams / llama-server ${STREAMS} streams = ${(ours / theirs).toFixed(2)}× (goal ≥ 0.9×)`,
    );
  } finally {
    await server.stop();
    await context.dispose();
    await model.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--model");
  await embeddedBatching(at >= 0 ? process.argv[at + 1] : undefined);
  await disposeEngineLlama();
}
