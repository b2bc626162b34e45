/**
 * `npm run bench:bench`, harness half (issue 16 "Must show"): what `overtone bench run` adds to a call — measuring
 * it on the stream, the suite's check, the record built, validated-shape JSON appended and fsynced — against
 * calling the same backend directly (consuming `backend.stream(request)`, nothing else), in the same run.
 * Goal: ≤ 1% of a tiny-model call's time.
 *
 * Both sides: the tiny gpt-oss through the embedded engine (created the same way the ladder creates a rung),
 * greedy, the same prompts, exactly TOKENS tokens each (random weights run to the budget). The harness side is
 * a real `runLadder` over a one-model ladder; its per-call time is the gap between consecutive calls' progress
 * events (a call, then everything the harness does before the next one starts), so the rung's model load and
 * warm-up are left out; the direct side loads the model and warms it up the same way each round, and leaves
 * both out too. Rounds alternate sides; medians are compared. On a busy machine a call's own time varies far more
 * than the harness adds, so the harness's time outside each call (the gap minus the record's own latency, which
 * measureCall takes on the same clock) is printed too: the overhead, measured call by call (0.24 ms = 0.2 % of a
 * call here, once the fsync of each line stopped being waited for: calls-file.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conversation, message, systemContent, systemMessage } from "@overtone/harmony";
import type { Backend, GenerateRequest } from "../packages/overtone/src/backends/contract.js";
import { createBackend } from "../packages/overtone/src/backends/create-backend.js";
import { parseLadder } from "../packages/overtone/src/bench-run/ladder-file.js";
import { runLadder } from "../packages/overtone/src/bench-run/run-ladder.js";
import { type BenchSuite, verdict } from "../packages/overtone/src/bench-run/suite.js";
import { disposeEngineLlama } from "../packages/overtone/src/engine/index.js";
import { tinyModelPath } from "../test/support/tiny-models.js";
import { median } from "./engine-measure.js";

const ROUNDS = 5;
const CASES = 8;
const TOKENS = 48;

const model = await tinyModelPath();
const prompts = Array.from({ length: CASES }, (_, i) => `Tell me about item number ${i + 1}.`);
const conversationOf = (prompt: string) =>
  conversation([systemMessage(systemContent({ reasoning_effort: "Low" })), message("user", prompt)]);

const suite: BenchSuite = {
  name: "overhead",
  cases: prompts.map((prompt, i) => ({
    id: `case-${i + 1}`,
    promptVersion: "overhead@v1",
    input: { prompt },
    conversation: conversationOf(prompt),
    maxTokens: TOKENS,
    check: async (output) => verdict(output.finishReason === "error" ? ["the call failed"] : []),
  })),
};

const ladder = parseLadder(
  [
    "exp_id: harness-overhead",
    "repetitions: 1",
    "warmup: 1",
    "suites: [smoke]",
    "models:",
    `  - { name: tiny, backend: embedded, model: ${JSON.stringify(model)}, params: { temperature: 0, max_tokens: ${TOKENS} } }`,
  ].join("\n"),
  "bench-harness.yaml",
);

/** Per-call ms through the harness (gaps between the measured calls' progress events), and the part of each
 * gap outside the call itself (gap − the record's own latency: the check, the record, its write). */
async function harnessRound(outDir: string): Promise<{ times: number[]; outside: number[] }> {
  const times: number[] = [];
  const outside: number[] = [];
  let last: number | undefined;
  await runLadder(ladder, {
    outDir,
    suites: [suite],
    onProgress: (progress) => {
      if (progress.event !== "call") return;
      const now = performance.now();
      if (last !== undefined && progress.record?.warmup === false) {
        times.push(now - last);
        outside.push(now - last - progress.record.latency_ms);
      }
      last = now;
    },
  });
  return { times, outside };
}

/**
 * Per-call ms calling the backend directly: the stream consumed, nothing recorded. Like a rung, each round
 * loads the model and makes one warm-up call first (the first calls after a load are slower).
 */
async function directRound(): Promise<number[]> {
  const backend = await createBackend({ kind: "embedded", model, parallel: 1 });
  try {
    await streamOnce(backend, prompts[0] as string);
    const times: number[] = [];
    for (const prompt of prompts) {
      const t0 = performance.now();
      await streamOnce(backend, prompt);
      times.push(performance.now() - t0);
    }
    return times;
  } finally {
    await backend.close();
  }
}

async function streamOnce(backend: Backend, prompt: string): Promise<void> {
  const request: GenerateRequest = {
    conversation: conversationOf(prompt),
    maxTokens: TOKENS,
    temperature: 0,
    topP: 1,
  };
  for await (const _part of backend.stream(request)) {
    // consumed, as a caller that only wants the answer does
  }
}

const work = mkdtempSync(join(tmpdir(), "bench-harness-"));
try {
  const sides = { direct: [] as number[], harness: [] as number[] };
  const outside: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (["direct", "harness"] as const) : (["harness", "direct"] as const);
    for (const side of order) {
      if (side === "direct") sides.direct.push(...(await directRound()));
      else {
        const measured = await harnessRound(join(work, `round-${round}`));
        sides.harness.push(...measured.times);
        outside.push(...measured.outside);
      }
    }
  }
  const d = median(sides.direct);
  const h = median(sides.harness);
  const o = median(outside);
  console.log(
    `\nbench run's harness vs calling the backend directly (tiny gpt-oss, embedded, ${TOKENS} tokens per call, ` +
      `${CASES} calls × ${ROUNDS} rounds per side, medians)`,
  );
  console.log(`  direct  ${d.toFixed(2)} ms per call`);
  console.log(`  harness ${h.toFixed(2)} ms per call`);
  console.log(
    `  difference ${(h - d).toFixed(2)} ms = ${((100 * (h - d)) / d).toFixed(2)}% (both sides' noise in it)`,
  );
  console.log(
    `  harness time outside the call ${o.toFixed(2)} ms = ${((100 * o) / d).toFixed(2)}% of a direct call (goal ≤ 1%)`,
  );
} finally {
  await disposeEngineLlama();
  if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  else console.log(work);
}
