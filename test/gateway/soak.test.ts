/**
 * Soak (issue 14, Must show): 64 concurrent Chat Completions streams, one after another on each of 64 clients,
 * for a while, through the gateway in front of a fast synthetic upstream (chat-upstream.ts: a real node:http
 * server streaming OpenAI chat chunks, behind Overtone's openai-compatible backend). Nothing may be lost or hang:
 * every stream started ends with its finish chunk, its usage chunk and `[DONE]`, carries the whole answer, and
 * the upstream saw exactly as many requests, none cut short. Afterwards no generation is still counted as running.
 *
 * Duration: OVERTONE_SOAK_SECONDS, else 60 s in the full tier and 3 s in the fast one (vitest.config.ts lists
 * this file in LONG_RUNS, which both tiers run).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatUpstream, chatChunks, chatUpstream } from "./chat-upstream.js";
import { type RunningGateway, startGateway } from "./gateway-harness.js";

const SECONDS = Number(
  process.env.OVERTONE_SOAK_SECONDS ?? (process.env.OVERTONE_TEST_TIER === "full" ? 60 : 3),
);
const CONCURRENCY = 64;
/** Far above one stream's time even on a loaded machine: a stream still open after this is hung. */
const STREAM_DEADLINE_MS = 15_000;
const MODEL = "gpt-oss";

const REASONING = Array.from({ length: 16 }, (_, i) => `step ${i}. `);
const ANSWER = Array.from({ length: 16 }, (_, i) => `word${i} `);

interface Outcome {
  ok: boolean;
  problem?: string;
}

describe(`soak: ${CONCURRENCY} concurrent streams for ${SECONDS} s`, () => {
  let upstream: ChatUpstream;
  let running: RunningGateway;
  beforeAll(async () => {
    // A frame every millisecond or so: fast, but each stream still spans many turns of the event loop.
    upstream = await chatUpstream(() => ({
      frames: chatChunks(REASONING, ANSWER),
      delayMs: (i) => (i % 4 === 0 ? 1 : 0),
    }));
    running = await startGateway([{ name: MODEL, backend: upstream.backend() }]);
  });
  afterAll(async () => {
    await running.close();
    await upstream.close();
  });

  /** One stream, checked end to end. */
  async function oneStream(n: number): Promise<Outcome> {
    try {
      const reply = await fetch(`${running.base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: "user", content: `stream ${n}` }],
          stream: true,
          stream_options: { include_usage: true },
        }),
        signal: AbortSignal.timeout(STREAM_DEADLINE_MS),
      });
      if (reply.status !== 200) return { ok: false, problem: `status ${reply.status}` };
      const events = (await reply.text()).split(/(?<=\n\n)/).filter((e) => e.startsWith("data: "));
      if (events.at(-1) !== "data: [DONE]\n\n") return { ok: false, problem: "no [DONE] at the end" };
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
      const finishes = chunks.filter((c) => c.choices?.[0]?.finish_reason != null);
      if (finishes.length !== 1 || finishes[0].choices[0].finish_reason !== "stop")
        return { ok: false, problem: `finish chunks: ${JSON.stringify(finishes)}` };
      if (chunks.at(-1)?.usage === undefined) return { ok: false, problem: "no usage chunk" };
      const content = chunks.map((c) => c.choices?.[0]?.delta?.content ?? "").join("");
      const reasoning = chunks.map((c) => c.choices?.[0]?.delta?.reasoning ?? "").join("");
      if (content !== ANSWER.join("") || reasoning !== REASONING.join(""))
        return { ok: false, problem: `text differs: ${JSON.stringify({ content, reasoning })}` };
      return { ok: true };
    } catch (error) {
      return { ok: false, problem: `${(error as Error).name}: ${(error as Error).message}` };
    }
  }

  it(
    "loses and hangs no stream",
    async () => {
      const until = performance.now() + SECONDS * 1000;
      let started = 0;
      const problems: string[] = [];
      let completed = 0;
      const worker = async () => {
        while (performance.now() < until) {
          const outcome = await oneStream(started++);
          if (outcome.ok) completed += 1;
          else problems.push(outcome.problem ?? "?");
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));

      expect(problems.slice(0, 5)).toEqual([]);
      expect(completed).toBe(started);
      // At least a few rounds of all 64 at once.
      expect(completed).toBeGreaterThanOrEqual(CONCURRENCY * 2);
      expect(upstream.requests).toHaveLength(started);
      await Promise.all(upstream.requests.map((request) => request.settled));
      expect(upstream.requests.filter((request) => request.closedEarly)).toHaveLength(0);
      const metrics = await (await fetch(`${running.base}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`gateway:requests_running\\{[^}]*model_name="${MODEL}"[^}]*\\} 0\\n`),
      );
      console.info(`soak: ${completed} streams in ${SECONDS} s at ${CONCURRENCY} at once, none lost`);
    },
    SECONDS * 1000 + 60_000,
  );
});
