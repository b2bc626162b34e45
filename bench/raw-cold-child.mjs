// The cold-start baseline of bench/engine-cold-start.ts: node-llama-cpp on its own, in a fresh process — load the
// model, make a context with the given threads, evaluate the given prompt ids and decode the given number of tokens
// greedily. Plain JavaScript run by node, so no loader (tsx) stands in its start-up time.
import { getLlama } from "node-llama-cpp";

const [path, threads, promptIds, tokens] = process.argv.slice(2);
const llama = await getLlama({ gpu: false, logLevel: "error" });
const model = await llama.loadModel({ modelPath: path });
const context = await model.createContext({ contextSize: 16384, threads: Number(threads), sequences: 1 });
const sequence = context.getSequence();
let n = 0;
for await (const _token of sequence.evaluate(promptIds.split(",").map(Number), { temperature: 0 })) {
  if (++n >= Number(tokens)) break;
}
process.stdout.write(`${n}\n`);
await context.dispose();
await model.dispose();
await llama.dispose();
