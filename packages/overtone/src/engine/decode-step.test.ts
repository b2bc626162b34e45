import { describe, expect, it } from "vitest";
import { DecodeStep } from "./decode-step.js";

/**
 * A fake model: each stream's next token arrives after its own delay (samplings finish one by one), and the
 * time each stream asks for its token number t is logged (node-llama-cpp batches what is asked in one tick).
 */
function streams(count: number, tokens: number, delays: readonly number[]) {
  const askedAt: number[][] = Array.from({ length: tokens }, () => []);
  const source = (i: number) =>
    (async function* () {
      for (let t = 0; t < tokens; t++) {
        askedAt[t]?.push(performance.now());
        await new Promise((resolve) => setTimeout(resolve, delays[i] ?? 0));
        yield t;
      }
    })();
  return { askedAt, sources: Array.from({ length: count }, (_, i) => source(i)) };
}

/** How many asks each burst held: asks less than 1 ms apart are one burst (one batch for node-llama-cpp). */
function bursts(askedAt: number[][]): number[] {
  const times = askedAt.flat().sort((a, b) => a - b);
  const sizes: number[] = [];
  times.forEach((time, i) => {
    if (i === 0 || time - (times[i - 1] as number) >= 1) sizes.push(1);
    else sizes[sizes.length - 1] = (sizes.at(-1) as number) + 1;
  });
  return sizes;
}

async function drain(tokens: AsyncIterable<number>, consumerMs = 0): Promise<number[]> {
  const out: number[] = [];
  for await (const token of tokens) {
    out.push(token);
    if (consumerMs > 0) await new Promise((resolve) => setTimeout(resolve, consumerMs));
  }
  return out;
}

describe("DecodeStep", () => {
  it("makes streams whose tokens arrive at different times ask for the next ones together", async () => {
    const step = new DecodeStep();
    const { askedAt, sources } = streams(4, 6, [1, 5, 9, 13]);
    const results = await Promise.all(sources.map((source) => drain(step.stepped(source))));
    expect(results).toEqual(Array(4).fill([0, 1, 2, 3, 4, 5]));
    // Their tokens arrive 4 ms and more apart, yet they ask in bursts of all four (but at the start and the end:
    // the stream that starts alone is one token ahead).
    expect(bursts(askedAt).filter((size) => size === 4).length).toBeGreaterThanOrEqual(4);
  });

  it("without it the same streams drift apart (what node-llama-cpp's batches saw)", async () => {
    const { askedAt, sources } = streams(4, 6, [1, 5, 9, 13]);
    await Promise.all(sources.map((source) => drain(source)));
    expect(bursts(askedAt).filter((size) => size === 4).length).toBeLessThanOrEqual(1);
  });

  it("lets a stream alone go at once, and a stream that ends free the others", async () => {
    const step = new DecodeStep();
    const short = streams(1, 2, [1]).sources[0] as AsyncGenerator<number, void, undefined>;
    const long = streams(1, 8, [1]).sources[0] as AsyncGenerator<number, void, undefined>;
    const [a, b] = await Promise.all([drain(step.stepped(short)), drain(step.stepped(long))]);
    expect(a).toEqual([0, 1]);
    expect(b).toHaveLength(8);
  });

  it("waits for a slow reader at most its patience", async () => {
    const step = new DecodeStep(5);
    const { sources } = streams(2, 4, [1, 1]);
    const started = performance.now();
    const fast = drain(step.stepped(sources[0] as AsyncGenerator<number, void, undefined>));
    // This reader never comes back within a step: the other stream still finishes, paced by the patience.
    const slow = drain(step.stepped(sources[1] as AsyncGenerator<number, void, undefined>), 200);
    expect(await fast).toHaveLength(4);
    expect(performance.now() - started).toBeLessThan(150);
    await slow;
  });

  it("passes an early return on to the source", async () => {
    const step = new DecodeStep();
    let closed = false;
    const source = (async function* () {
      try {
        for (let t = 0; ; t++) yield t;
      } finally {
        closed = true;
      }
    })();
    for await (const token of step.stepped(source)) if (token === 2) break;
    expect(closed).toBe(true);
  });
});
