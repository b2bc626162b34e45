import { BackendError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { type PooledSequence, SequencePool } from "./sequence-pool.js";

/** A sequence whose "KV cache" is a token list. */
class FakeSequence implements PooledSequence {
  constructor(
    readonly name: string,
    public cached: number[] = [],
  ) {}
  compareContextTokens(tokens: readonly number[]) {
    let i = 0;
    while (i < tokens.length && i < this.cached.length && tokens[i] === this.cached[i]) i++;
    return { firstDifferentIndex: i };
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("SequencePool", () => {
  it("lends the free sequence sharing the longest prefix with the prompt", async () => {
    const a = new FakeSequence("a", [1, 2, 3]);
    const b = new FakeSequence("b", [1, 2, 3, 4, 5]);
    const pool = new SequencePool([a, b], 4, "model.gguf");
    const lease = await pool.acquire([1, 2, 3, 4, 9]);
    expect(lease?.sequence).toBe(b);
    // b is busy: the next gets a, whatever it shares.
    expect((await pool.acquire([1, 2, 3, 4, 5]))?.sequence).toBe(a);
    expect(pool.running).toBe(2);
  });

  it("among equal prefixes, lends the one idle longest (another conversation's cache lives on)", async () => {
    const a = new FakeSequence("a");
    const b = new FakeSequence("b");
    const pool = new SequencePool([a, b], 4, "m");
    const first = await pool.acquire([7]);
    const second = await pool.acquire([8]);
    second?.release();
    first?.release();
    expect((await pool.acquire([9]))?.sequence).toBe(second?.sequence);
  });

  it("queues first come, first served, up to queueLimit, then refuses with a retryable BackendError", async () => {
    const pool = new SequencePool([new FakeSequence("a")], 2, "model.gguf");
    const running = await pool.acquire([1]);
    const order: string[] = [];
    const w1 = pool.acquire([2]).then((lease) => {
      order.push("w1");
      return lease;
    });
    const w2 = pool.acquire([3]).then((lease) => {
      order.push("w2");
      return lease;
    });
    expect(pool.queued).toBe(2);
    const refused = await pool.acquire([4]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackendError);
    expect(refused).toMatchObject({
      retryable: true,
      status: 503,
      url: "model.gguf",
      message: "the embedded model is busy: 1 requests running, 2 waiting",
    });
    running?.release();
    running?.release(); // a second release does nothing
    (await w1)?.release();
    await w2;
    expect(order).toEqual(["w1", "w2"]);
    expect(pool.running).toBe(1);
  });

  it("with queueLimit 0 refuses as soon as every sequence is busy", async () => {
    const pool = new SequencePool([new FakeSequence("a")], 0, "m");
    await pool.acquire([1]);
    await expect(pool.acquire([1])).rejects.toBeInstanceOf(BackendError);
  });

  it("an abort while waiting leaves the queue and resolves undefined", async () => {
    const pool = new SequencePool([new FakeSequence("a")], 4, "m");
    const running = await pool.acquire([1]);
    const stop = new AbortController();
    const waiting = pool.acquire([2], stop.signal);
    const after = pool.acquire([3]);
    stop.abort();
    expect(await waiting).toBeUndefined();
    expect(pool.queued).toBe(1);
    running?.release();
    expect((await after)?.sequence.name).toBe("a");
    expect(await pool.acquire([4], AbortSignal.abort())).toBeUndefined();
  });

  it("close fails the waiting requests and refuses new ones", async () => {
    const pool = new SequencePool([new FakeSequence("a")], 4, "m");
    const running = await pool.acquire([1]);
    const waiting = pool.acquire([2]);
    const reason = new Error("disposed");
    pool.close(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(pool.acquire([3])).rejects.toBe(reason);
    running?.release();
    await settle();
    expect(pool.queued).toBe(0);
  });
});
