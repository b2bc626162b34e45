/**
 * Embedded batching (issue 14, item 5), a section of `npm run bench:gateway`: one embedded model loaded with
 * `parallel: 4` (four sequences of one context), and greedy streams on it, one alone and then four at once.
 * With four, node-llama-cpp puts the next token of every stream into one `llama_decode`, so a step reads the
 * weights once for all four. Aggregate decode speed: every stream's tokens after its first, over the time from
 * the first stream's first token to the last stream's last (prefill left out, as a decode speed should).
 * Goal: four streams ≥ 2× the aggregate tokens per second of one. Rounds alternate (1, 4, 4, 1, …) so drift in
 * the machine's load hits both alike; medians. Default model: the trained toy gpt-oss; `--model <path.gguf>`.
 */
import { conversation, message, systemContent, systemMessage } from "@overtone/harmony";
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

/** Aggregate decode tokens per second of `streams` greedy generations at once. */
async function decodeSpeed(model: EngineModel, streams: number, round: number): Promise<number> {
  const runs = Array.from({ length: streams }, async (_, i) => {
    const times: number[] = [];
    for await (const _id of model.tokens(prompt(round * STREAMS + i), { temperature: 0, maxTokens: TOKENS }))
      times.push(performance.now());
    return times;
  });
  const all = await Promise.all(runs);
  const first = Math.min(...all.map((t) => t[0] ?? Number.POSITIVE_INFINITY));
  const last = Math.max(...all.map((t) => t.at(-1) ?? 0));
  const decoded = all.reduce((sum, t) => sum + Math.max(0, t.length - 1), 0);
  return (decoded / (last - first)) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function embeddedBatching(path?: string): Promise<void> {
  const model = await loadModel(path ?? (await toyModelPath()), { contextSize: 1024, parallel: STREAMS });
  try {
    await decodeSpeed(model, STREAMS, 99); // warm-up
    const one: number[] = [];
    const four: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sides = [
        async () => one.push(await decodeSpeed(model, 1, round)),
        async () => four.push(await decodeSpeed(model, STREAMS, round)),
      ];
      if (round % 2 === 0) for (const side of sides) await side();
      else for (const side of sides.reverse()) await side();
    }
    const a = median(one);
    const b = median(four);
    console.log(
      `\nEmbedded batching (${model.info.path.split("/").at(-1)}, ${model.info.threads} threads, parallel ${STREAMS}, ${TOKENS} greedy tokens per stream, medians of ${ROUNDS}):`,
    );
    console.log(`  1 stream:  ${a.toFixed(0).padStart(6)} tok/s aggregate decode`);
    console.log(
      `  ${STREAMS} streams: ${b.toFixed(0).padStart(6)} tok/s aggregate decode  (${(b / a).toFixed(2)}×; goal ≥ 2×)`,
    );
  } finally {
    await model.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--model");
  await embeddedBatching(at >= 0 ? process.argv[at + 1] : undefined);
  await disposeEngineLlama();
}
