/**
 * The embedded engine under concurrency, on real llama.cpp and the tiny model: with `parallel` sequences,
 * concurrent requests generate at once (continuous batching, counted in tokens, not time) and greedily produce
 * what each produces alone; a conversation's next turn finds its own KV cache; an abort touches only its own
 * request; the bounded queue refuses with a retryable error; and sequences always come back.
 */
import { BackendError, ConfigError } from "@overtone/errors";
import { conversation, message } from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  disposeEngineLlama,
  type EngineModel,
  loadModel,
  promptTokens,
} from "../../packages/overtone/src/engine/index.js";
import { chat, finishOf, partsOf } from "../support/engine-parts.js";
import { tinyModelPath } from "../support/tiny-models.js";

const CONTEXT = 1024;
let model: EngineModel;

beforeAll(async () => {
  model = await loadModel(await tinyModelPath(), {
    threads: 1,
    contextSize: CONTEXT,
    parallel: 2,
    queueLimit: 1,
  });
}, 120_000);
afterAll(async () => {
  await model?.dispose();
  await disposeEngineLlama();
});

/** The ids of one request, noting in `events` when each arrived relative to the other requests. */
async function ids(
  prompt: readonly number[],
  count: number,
  name = "",
  events: string[] = [],
  signal?: AbortSignal,
): Promise<number[]> {
  const out: number[] = [];
  for await (const id of model.tokens(prompt, {
    temperature: 0,
    maxTokens: count,
    ...(signal ? { signal } : {}),
  })) {
    out.push(id);
    events.push(name);
  }
  return out;
}

describe("parallel sequences", () => {
  it("loads with the given parallel and checks it", async () => {
    expect(model.info.parallel).toBe(2);
    expect(model.info.contextSize).toBe(CONTEXT);
    await expect(loadModel(model.info.path, { parallel: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(loadModel(model.info.path, { queueLimit: -1 })).rejects.toThrow(/queueLimit: -1/);
  });

  it("runs two requests at once, each yielding exactly what it yields alone at temperature 0", async () => {
    const a = promptTokens(chat("First question, about rivers"));
    const b = promptTokens(chat("Second one: mountains?"));
    const aloneA = await ids(a, 24);
    const aloneB = await ids(b, 24);
    const events: string[] = [];
    const [togetherA, togetherB] = await Promise.all([ids(a, 24, "a", events), ids(b, 24, "b", events)]);
    // In flight at once: each had yielded ids before the other's last one (one at a time, b would start
    // only after a's 24th).
    expect(events.indexOf("b")).toBeLessThan(events.lastIndexOf("a"));
    expect(events.indexOf("a")).toBeLessThan(events.lastIndexOf("b"));
    expect(togetherA).toEqual(aloneA);
    expect(togetherB).toEqual(aloneB);
  });

  it("gives a conversation's next turn the sequence holding its cache, while another conversation ran between", async () => {
    const first = chat("Remember the word lighthouse. ".repeat(6));
    const turn1 = finishOf(
      await partsOf(model.generate({ conversation: first, maxTokens: 4, temperature: 0 })),
    );
    expect(turn1.usage?.inputTokens).toBeGreaterThan(40);
    // Another conversation takes the other (idle) sequence, leaving the first one's cache alone.
    await partsOf(model.generate({ conversation: chat("Unrelated. ".repeat(30)), maxTokens: 4 }));
    const next = conversation([
      ...first.messages,
      message("assistant", "Noted.", { channel: "final" }),
      message("user", "Which word?"),
    ]);
    const turn2 = finishOf(
      await partsOf(model.generate({ conversation: next, maxTokens: 2, temperature: 0 })),
    );
    expect(turn2.usage?.cachedInputTokens).toBeGreaterThanOrEqual((turn1.usage?.inputTokens ?? 0) - 1);
  });

  it("an abort of one request does not disturb the other", async () => {
    const a = promptTokens(chat("Keep going, a"));
    const b = promptTokens(chat("Keep going, b"));
    const aloneB = await ids(b, 30);
    const stop = new AbortController();
    const events: string[] = [];
    const aborted: number[] = [];
    const run = async () => {
      for await (const id of model.tokens(a, { temperature: 0, signal: stop.signal })) {
        aborted.push(id);
        if (aborted.length === 5) stop.abort();
      }
    };
    const [, together] = await Promise.all([run(), ids(b, 30, "b", events)]);
    expect(aborted.length).toBeLessThanOrEqual(6);
    expect(together).toEqual(aloneB);
  });

  it("queues beyond parallel up to queueLimit, then refuses with a retryable BackendError", async () => {
    const prompt = (n: number) => promptTokens(chat(`Request ${n}`));
    const events: string[] = [];
    const running = [ids(prompt(1), 20, "1", events), ids(prompt(2), 20, "2", events)];
    // Let both take their sequences, then one more waits and one more is refused.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const waiting = ids(prompt(3), 3, "3", events);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(model.load).toEqual({ running: 2, queued: 1 });
    const refused = await partsOf(model.generate({ conversation: chat("Request 4"), maxTokens: 3 }));
    expect(refused).toHaveLength(1);
    const error = refused[0]?.type === "error" ? refused[0].error : undefined;
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).retryable).toBe(true);
    expect(error?.message).toBe("the embedded model is busy: 2 requests running, 1 waiting");
    expect((await waiting).length).toBe(3);
    // The waiting one started only when a running one ended.
    expect(events.indexOf("3")).toBeGreaterThan(Math.min(events.lastIndexOf("1"), events.lastIndexOf("2")));
    await Promise.all(running);
    expect(model.load).toEqual({ running: 0, queued: 0 });
  });

  it("always gives sequences back: after 20 mixed aborts, early stops, errors and finishes, parallel requests run at once", async () => {
    for (let i = 0; i < 20; i++) {
      const prompt = promptTokens(chat(`Mixed ${i}`));
      const kind = i % 5;
      if (kind === 0) await ids(prompt, 3);
      else if (kind === 1) await ids(prompt, 50, "", [], AbortSignal.abort());
      else if (kind === 2) {
        const stop = new AbortController();
        for await (const _ of model.tokens(prompt, { signal: stop.signal })) stop.abort();
      } else if (kind === 3) {
        // A consumer that stops reading early (break: the generator's return()).
        for await (const _ of model.tokens(prompt, { maxTokens: 50 })) break;
      } else {
        for await (const _ of model.generateFromTokens(prompt, { maxTokens: 50 })) break;
      }
    }
    // A request that fails before it starts (a prompt with no room) takes no sequence either.
    const tooLong = await partsOf(model.generate({ conversation: chat("word ".repeat(CONTEXT * 2)) }));
    expect(tooLong[0]?.type).toBe("error");
    expect(model.load).toEqual({ running: 0, queued: 0 });
    const events: string[] = [];
    await Promise.all([
      ids(promptTokens(chat("x")), 10, "x", events),
      ids(promptTokens(chat("y")), 10, "y", events),
    ]);
    expect(events.indexOf("y")).toBeLessThan(events.lastIndexOf("x"));
    expect(events.indexOf("x")).toBeLessThan(events.lastIndexOf("y"));
  });
});
