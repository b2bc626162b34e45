/**
 * Routing among replicas (packages/overtone/src/gateway/replica-set.ts), with backends whose streams the test
 * holds open and releases, so "in flight" is exact: least-busy spreading, affinity, retry only before the first
 * part, cooldown, and health polls taking a replica out and bringing it back (gateway.md §8 rules 46–48). Real
 * llama-servers behind one name: test/gateway/replicas-llama-server.test.ts.
 */
import { BackendError } from "@overtone/errors";
import { conversation, message, type Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import type { Backend, GenerateRequest } from "../../packages/overtone/src/backends/contract.js";
import { createReplicaSet } from "../../packages/overtone/src/gateway/replica-set.js";
import { answerParts, SCRIPTED_CAPABILITIES } from "./scripted-backend.js";

interface HeldBackend extends Backend {
  served: number;
  /** Lets every held stream finish, and later ones run through until `hold`. */
  release(): void;
  /** Holds the streams that start from now on after their first part. */
  hold(): void;
  failNext: Error | undefined;
  down: boolean;
}

/** Streams that yield their first part, then wait until released. */
function heldBackend(location: string): HeldBackend {
  let open: () => void = () => {};
  let gate = Promise.resolve();
  const hold = () => {
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
  };
  hold();
  const backend: HeldBackend = {
    kind: "held",
    location,
    capabilities: SCRIPTED_CAPABILITIES,
    served: 0,
    failNext: undefined,
    down: false,
    release: () => open(),
    hold,
    async *stream(): AsyncGenerator<Part> {
      if (backend.failNext !== undefined) {
        const error = backend.failNext;
        backend.failNext = undefined;
        yield { type: "error", error };
        return;
      }
      backend.served++;
      const [first, ...rest] = answerParts("Think.", `from ${location}`);
      const mine = gate;
      yield first as Part;
      await mine;
      yield* rest;
    },
    async listModels() {
      if (backend.down) throw new BackendError("connection refused", { url: location, retryable: true });
      return [{ id: "m" }];
    },
    async close() {},
  };
  return backend;
}

const ask = (text: string): GenerateRequest => ({ conversation: conversation([message("user", text)]) });

async function firstPart(stream: AsyncIterable<Part>): Promise<AsyncIterator<Part>> {
  const iterator = stream[Symbol.asyncIterator]();
  await iterator.next();
  return iterator;
}

async function drain(iterator: AsyncIterator<Part>): Promise<string> {
  let text = "";
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    if (next.value.type === "final-delta") text += next.value.delta;
  }
  return text;
}

const refused = () => new BackendError("connection refused", { url: "a", retryable: true });

describe("a replica set", () => {
  it("spreads requests by how many each replica has in flight", async () => {
    const [a, b] = [heldBackend("a"), heldBackend("b")];
    const set = createReplicaSet([a, b], { healthIntervalMs: 0, affinitySlack: 0 });
    const open = [];
    for (let i = 0; i < 6; i++) open.push(await firstPart(set.stream(ask(`question ${i}`))));
    expect(set.state().map((r) => r.inFlight)).toEqual([3, 3]);
    a.release();
    b.release();
    await Promise.all(open.map(drain));
    expect(set.state().map((r) => r.inFlight)).toEqual([0, 0]);
    // Not round robin: after a's requests finish, the next one goes to a again, since b is still busy.
    a.hold();
    b.hold();
    const first = await firstPart(set.stream(ask("first")));
    const second = await firstPart(set.stream(ask("second")));
    const third = await firstPart(set.stream(ask("third")));
    expect([a.served, b.served]).toEqual([5, 4]);
    a.release();
    await Promise.all([first, third].map(drain));
    const fourth = await firstPart(set.stream(ask("fourth")));
    expect([a.served, b.served]).toEqual([6, 4]);
    a.release();
    b.release();
    await Promise.all([second, fourth].map(drain));
  });

  it("moves a request that failed before its first part to another replica, and cools the first down", async () => {
    const [a, b] = [heldBackend("a"), heldBackend("b")];
    const set = createReplicaSet([a, b], { healthIntervalMs: 0 });
    a.failNext = refused();
    b.failNext = undefined;
    const stream = set.stream(ask("hi"));
    b.release();
    const iterator = await firstPart(stream);
    a.release();
    b.release();
    expect(await drain(iterator)).toBe("from b");
    expect(set.state()[0]).toMatchObject({ location: "a", coolingDown: true });
  });

  it("does not retry once a part was sent, and says why when every replica failed", async () => {
    const [a, b] = [heldBackend("a"), heldBackend("b")];
    const set = createReplicaSet([a, b], { healthIntervalMs: 0 });
    a.failNext = refused();
    b.failNext = refused();
    const parts: Part[] = [];
    for await (const part of set.stream(ask("hi"))) parts.push(part);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: "error" });
    expect(a.served + b.served).toBe(0);
  });

  it("keeps a conversation on its replica while that one is not much busier", async () => {
    const [a, b] = [heldBackend("a"), heldBackend("b")];
    const set = createReplicaSet([a, b], { healthIntervalMs: 0 });
    a.release();
    b.release();
    const first = await firstPart(set.stream(ask("remember me")));
    const servedBy = a.served === 1 ? a : b;
    a.release();
    b.release();
    await drain(first);
    for (let turn = 0; turn < 3; turn++) {
      const next = await firstPart(set.stream(ask("remember me")));
      a.release();
      b.release();
      await drain(next);
    }
    expect(servedBy.served).toBe(4);
  });

  it("keeps requests with one session key together, and parts requests whose key differs (rule 48)", async () => {
    const [a, b] = [heldBackend("a"), heldBackend("b")];
    const set = createReplicaSet([a, b], { healthIntervalMs: 0 });
    a.release();
    b.release();
    const session = (text: string, sessionKey: string): GenerateRequest => ({ ...ask(text), sessionKey });
    // Different openings, one session: one replica.
    await drain(await firstPart(set.stream(session("first turn", "chat-1"))));
    const servedBy = a.served === 1 ? a : b;
    await drain(await firstPart(set.stream(session("a different opening", "chat-1"))));
    expect(servedBy.served).toBe(2);
    // The same opening ("hi") in two sessions: the second may go elsewhere, and does when the first is busy.
    servedBy.hold();
    const busy = await firstPart(set.stream(session("hi", "chat-1")));
    const other = await firstPart(set.stream(session("hi", "chat-2")));
    expect(a.served + b.served).toBe(4);
    expect(servedBy.served).toBe(3);
    a.release();
    b.release();
    await Promise.all([busy, other].map(drain));
  });

  it("takes a replica whose health poll fails out of rotation and brings it back when it passes", async () => {
    const [a, b] = [heldBackend("a"), heldBackend("b")];
    const set = createReplicaSet([a, b], { healthIntervalMs: 0 });
    a.down = true;
    await set.checkHealth();
    expect(set.state().map((r) => r.healthy)).toEqual([false, true]);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await firstPart(set.stream(ask(`q${i}`))));
    expect(a.served).toBe(0);
    a.down = false;
    await set.checkHealth();
    open.push(await firstPart(set.stream(ask("after"))));
    expect(a.served).toBe(1);
    a.release();
    b.release();
    await Promise.all(open.map(drain));
  });
});
