/**
 * Issue 18: the directions file is one llama.cpp accepts as a control vector (full tier: a real llama-server,
 * `--control-vector-scaled FILE:STRENGTH`). Loaded, it steers: the next-token distribution for the same prompt
 * changes, and it changes more with a larger strength; a file llama.cpp's loader would reject (a `direction.0`,
 * which Overtone's writer refuses to write) is refused by the writer before llama.cpp ever sees it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { writeDirections } from "../../packages/overtone/src/surgery/index.js";
import { tempDir } from "../support/gguf-samples.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  startLlamaServer,
} from "../support/llama-server.js";
import { tinyModelPath } from "../support/tiny-models.js";
import { EMBD, seeded } from "./surgery-checks.js";

const temp = tempDir("overtone-cvec-");
const servers: LlamaServerHandle[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  temp.remove();
});

const PROMPT = [200006, 1428, 200008, 4827, 382, 634, 2359, 30, 200007, 200006, 173781];

/** The top next-token probabilities llama-server reports for PROMPT (`top_logprobs`), as a map id → p. */
async function nextTokenProbs(server: LlamaServerHandle): Promise<Map<number, number>> {
  const response = await fetch(`${server.baseURL}/completion`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: PROMPT, n_predict: 1, n_probs: 10, temperature: 0, cache_prompt: false }),
  });
  const body = (await response.json()) as {
    completion_probabilities?: { top_logprobs?: { id: number; logprob: number }[] }[];
  };
  const top = body.completion_probabilities?.[0]?.top_logprobs ?? [];
  return new Map(top.map((t) => [t.id, Math.exp(t.logprob)]));
}

/** Total variation over the union of both top lists (a lower bound on the true distance). */
function distance(a: Map<number, number>, b: Map<number, number>): number {
  let sum = 0;
  for (const id of new Set([...a.keys(), ...b.keys()])) sum += Math.abs((a.get(id) ?? 0) - (b.get(id) ?? 0));
  return sum / 2;
}

describe("a directions file as a llama.cpp control vector", () => {
  it(
    "llama-server loads it and it steers the next token, more with more strength",
    async () => {
      const model = await tinyModelPath({ biasStd: 0.05, seed: 3 });
      const file = temp.path("directions.gguf");
      await writeDirections(file, {
        modelHint: "gpt-oss",
        width: EMBD,
        directions: new Map([[1, seeded(11, EMBD)]]), // the tiny model has 2 blocks: block 1's output
        notes: { position: "test" },
      });
      const start = async (extra: string[]) => {
        const server = await startLlamaServer({ model, extraArgs: extra });
        servers.push(server);
        return server;
      };
      const plain = await nextTokenProbs(await start([]));
      const weak = await start(["--control-vector-scaled", `${file}:0.5`]);
      expect(weak.log()).not.toMatch(
        /skipping .* due to invalid direction tensors|failed to load control vector/,
      );
      const strong = await start(["--control-vector-scaled", `${file}:8`]);
      const [pw, ps] = [await nextTokenProbs(weak), await nextTokenProbs(strong)];
      expect(plain.size).toBeGreaterThan(0);
      console.log(
        `next-token distance from plain: strength 0.5 → ${distance(plain, pw).toFixed(4)}, 8 → ${distance(plain, ps).toFixed(4)}`,
      );
      expect(distance(plain, ps)).toBeGreaterThan(distance(plain, pw));
      expect(distance(plain, ps)).toBeGreaterThan(0.01);
    },
    LLAMA_SERVER_BUILD_TIMEOUT_MS + 180_000,
  );

  it("the writer refuses what llama.cpp's loader would reject", async () => {
    const write = (n: number, width = EMBD) =>
      writeDirections(temp.path(`bad-${n}.gguf`), {
        modelHint: "gpt-oss",
        width: EMBD,
        directions: new Map([[n, new Float32Array(width)]]),
        notes: {},
      });
    await expect(write(0)).rejects.toThrow(/numbers them from 1/);
    await expect(write(1, EMBD + 1)).rejects.toThrow(/is not 64 long/);
  });
});
