/**
 * The llama-server row of the embedded-batching bench (engine-batching.ts, issue 14 item 5): a real llama.cpp
 * `llama-server` (test/support/llama-server.ts, built from the llama.cpp source node-llama-cpp ships, so the
 * same kernels) on the same GGUF with the embedded model's thread count, `--parallel 4` and `--ctx-size 4096`,
 * which llama-server divides among its slots: 1024 tokens each, as the embedded model's sequences. Continuous
 * batching is llama-server's default, so its four slots share one `llama_decode` per step as Overtone's do.
 *
 * Requests go to `POST /completion` as token ids (llama.cpp would turn Harmony's special-token text into
 * special tokens; ids leave nothing to interpret and add no BOS), greedy through the temperature sampler only
 * (llama-server's default chain also runs top-k 40, top-p and min-p, work the embedded side does not do),
 * `cache_prompt: false` so no round reuses an earlier round's KV cache, and `ignore_eos` so every stream
 * decodes exactly `n_predict` tokens (the embedded side ignores end tokens too; see engine-batching.ts).
 *
 * Tokens are timed as the client parses the stream's events, as the embedded rows time theirs as they are
 * yielded; the HTTP and JSON of each event are part of what llama-server costs. An event normally carries one
 * token, but one whose text ends mid-UTF-8 character is held back and its token sent with the next one, so
 * tokens are counted from each event's `tokens_predicted` (llama.cpp's running count), not from events.
 */

import { httpRequest } from "../packages/overtone/src/net/http.js";
import { type LlamaServerHandle, startLlamaServer } from "../test/support/llama-server.js";

/** Arrival times of one stream's tokens: `TOKENS` of them. */
export type Stream = (i: number, prompt: readonly number[]) => Promise<number[]>;

export interface LlamaServerStreams {
  stream: Stream;
  stop(): Promise<void>;
}

/** A llama-server with `slots` slots of `slotContext` tokens each on `model`, and a Stream of `tokens` on it. */
export async function llamaServerStreams(
  model: string,
  options: { threads: number; slots: number; slotContext: number; tokens: number },
): Promise<LlamaServerStreams> {
  const server: LlamaServerHandle = await startLlamaServer({
    model,
    threads: options.threads,
    ctx: options.slots * options.slotContext,
    extraArgs: ["--parallel", String(options.slots), "--cont-batching"],
    anyTier: true,
  });
  const stream: Stream = async (_i, ids) => {
    const response = await httpRequest(`${server.baseURL}/completion`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        prompt: ids,
        n_predict: options.tokens,
        temperature: 0,
        samplers: ["temperature"],
        ignore_eos: true,
        cache_prompt: false,
        stream: true,
      }),
    });
    if (!response.ok || response.body === null) {
      throw new Error(`llama-server /completion: ${response.status} ${await response.text()}`);
    }
    return tokenTimes(response.body);
  };
  return { stream, stop: () => server.stop() };
}

/** One arrival time per token of a `/completion` event stream (`data: {...}` events split by blank lines). */
async function tokenTimes(body: ReadableStream<Uint8Array>): Promise<number[]> {
  const times: number[] = [];
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of body) {
    const now = performance.now();
    buffered += decoder.decode(chunk, { stream: true });
    const events = buffered.split("\n\n");
    buffered = events.pop() ?? "";
    for (const event of events) {
      const data = event.split("\n").find((line) => line.startsWith("data: "));
      if (data === undefined) continue;
      const parsed = JSON.parse(data.slice("data: ".length)) as {
        tokens_predicted?: number;
        error?: unknown;
      };
      if (parsed.error !== undefined) throw new Error(`llama-server: ${JSON.stringify(parsed.error)}`);
      while (times.length < (parsed.tokens_predicted ?? 0)) times.push(now);
    }
  }
  return times;
}
