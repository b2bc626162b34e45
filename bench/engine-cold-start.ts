/**
 * Cold start (issue 13): `overtone run --model toy` in a fresh process against node-llama-cpp's own load plus the
 * same generation in a fresh process (bench/raw-cold-child.mjs: same model file, threads, prompt ids and number of
 * greedy tokens). "Cold" = a new process with the model already in the cache and no remembered thread count, so
 * Overtone probes; "warm" = the next run, which reads the remembered count. Wall time of each whole process,
 * rounds alternating sides, medians. Goal: cold within 1.3× of the baseline; warm skips the probe.
 * Run: `npx tsx bench/engine-cold-start.ts` (after `npm run build`; part of `npm run bench:engine`).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { conversation, message, renderConversationForCompletion } from "@overtone/harmony";
import { conversationForRendering } from "../packages/overtone/src/backends/gpt-oss-profile.js";
import { ensureToyModel } from "../packages/overtone/src/engine/models/toy-model.js";
import { THREAD_MEMORY_FILE } from "../packages/overtone/src/engine/thread-memory.js";
import { median } from "./engine-measure.js";

const ROUNDS = 5;
const QUESTION = "What is 12 + 7?";
const BIN = fileURLToPath(new URL("../packages/overtone/bin/overtone.js", import.meta.url));
const CHILD = fileURLToPath(new URL("./raw-cold-child.mjs", import.meta.url));

interface RunFacts {
  ms: number;
  outputTokens: number;
}

function timed(args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, encoding: "utf8", timeout: 300_000 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/** One `overtone run` in a new process; its finish part says how many tokens it made. */
function overtone(cache: string): RunFacts {
  const env = { ...process.env, OVERTONE_CACHE: cache, OVERTONE_OFFLINE: "1" };
  const args = [BIN, "run", "--model", "toy", "--temperature", "0", "--json", QUESTION];
  const { ms, stdout } = timed(args, env);
  const finish = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .find((part) => part.type === "finish");
  return { ms, outputTokens: finish?.usage?.outputTokens ?? 0 };
}

/** The thread count the cold run measured and remembered (the baseline runs with the same). */
async function rememberedThreads(cache: string): Promise<number> {
  const file = JSON.parse(await readFile(join(cache, THREAD_MEMORY_FILE), "utf8"));
  const [entry] = Object.values(file.entries) as { threads: number }[];
  return entry?.threads ?? 1;
}

export async function coldStart(): Promise<void> {
  const cache = await mkdtemp(join(tmpdir(), "overtone-cold-"));
  try {
    const { path } = await ensureToyModel(join(cache, "models"));
    const request = { conversation: conversation([message("user", QUESTION)]) };
    const prompt = renderConversationForCompletion(conversationForRendering(request), "assistant");
    const cold: number[] = [];
    const warm: number[] = [];
    const base: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await rm(join(cache, THREAD_MEMORY_FILE), { force: true });
      const first = overtone(cache);
      cold.push(first.ms);
      warm.push(overtone(cache).ms);
      const threads = String(await rememberedThreads(cache));
      base.push(timed([CHILD, path, threads, prompt.join(","), String(first.outputTokens)], process.env).ms);
    }
    const [c, w, b] = [median(cold), median(warm), median(base)];
    console.log(
      `\ncold start, medians of ${ROUNDS} fresh processes (overtone run --model toy vs node-llama-cpp):`,
    );
    console.log(`  node-llama-cpp load + same generation  ${b.toFixed(0)} ms`);
    console.log(
      `  overtone, cold (thread probe)          ${c.toFixed(0)} ms   ratio ${(c / b).toFixed(2)}  (goal ≤ 1.3)`,
    );
    console.log(`  overtone, warm (remembered threads)    ${w.toFixed(0)} ms   ratio ${(w / b).toFixed(2)}`);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await coldStart();
