import { setTimeout as sleep } from "node:timers/promises";
import { BackendError } from "@overtone/errors";
import type { Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { openParts } from "./guarded-parts.js";
import { GatewayError } from "./protocol.js";

const delta = (text: string): Part => ({ type: "final-delta", id: "m0", delta: text });
const stop: Part = { type: "finish", reason: "stop" };
const timeout = new GatewayError(504, "the request took longer than the gateway's limit of 1 s", {
  code: "timeout",
});

/**
 * A backend's parts with a pause (ms) before each. Like a real backend, it notices an abort only between parts
 * and then yields `finish: aborted` — unless `deaf`, when it goes on as if nothing happened.
 */
function backend(script: [number, Part][], signal?: AbortSignal, deaf = false) {
  const state = { closed: false };
  async function* parts(): AsyncGenerator<Part> {
    try {
      for (const [pause, part] of script) {
        await sleep(pause);
        if (signal?.aborted && !deaf) {
          yield { type: "finish", reason: "aborted" };
          return;
        }
        yield part;
      }
    } finally {
      state.closed = true;
    }
  }
  return { parts: parts(), state };
}

async function collect(parts: AsyncIterable<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

describe("openParts", () => {
  it("hands the parts on unchanged when nothing goes wrong", async () => {
    const { parts, state } = backend([
      [0, delta("Hi")],
      [0, stop],
    ]);
    expect(await collect(await openParts(parts, new AbortController().signal, 1000))).toEqual([
      delta("Hi"),
      stop,
    ]);
    expect(state.closed).toBe(true);
  });

  it("turns an error as the first part into the GatewayError the reply's status comes from (rule 24)", async () => {
    const busy = new BackendError("server busy", { url: "http://127.0.0.1:8000/v1", retryable: true });
    const { parts } = backend([[0, { type: "error", error: busy }]]);
    const failure = await openParts(parts, new AbortController().signal, 1000).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 503, code: "upstream_error", message: "server busy" });
  });

  it("stops waiting for the first part after the patience, and the parts still arrive in the stream", async () => {
    const { parts } = backend([[120, { type: "error", error: new Error("upstream died") }]]);
    const started = performance.now();
    const opened = await openParts(parts, new AbortController().signal, 30);
    expect(performance.now() - started).toBeLessThan(110);
    const out = await collect(opened);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: "error", error: { message: "upstream died" } });
  });

  it("answers a timeout before the first part with the timeout itself (504)", async () => {
    const controller = new AbortController();
    const { parts } = backend([[200, delta("late")]], controller.signal);
    setTimeout(() => controller.abort(timeout), 20);
    await expect(openParts(parts, controller.signal, 1000)).rejects.toBe(timeout);
  });

  it("ends the parts with the signal's reason at once, even from a backend that ignores its abort", async () => {
    const controller = new AbortController();
    const { parts, state } = backend(
      [
        [0, delta("a")],
        [10_000, delta("b")],
      ],
      controller.signal,
      true,
    );
    const opened = await openParts(parts, controller.signal, 1000);
    setTimeout(() => controller.abort(timeout), 30);
    const started = performance.now();
    const out = await collect(opened);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out).toEqual([delta("a"), { type: "error", error: timeout }]);
    expect(state.closed).toBe(false); // still asleep: closed when its pending part settles, not waited for
  });

  it("replaces a backend's own `finish: aborted` after the signal by the signal's reason", async () => {
    const controller = new AbortController();
    const { parts } = backend(
      [
        [0, delta("a")],
        [60, delta("b")],
      ],
      controller.signal,
    );
    const opened = await openParts(parts, controller.signal, 1000);
    const out: Part[] = [];
    for await (const part of opened) {
      out.push(part);
      // The backend sees the abort as soon as it wakes: the guard may see either first.
      if (part.type === "final-delta") controller.abort(timeout);
    }
    expect(out).toEqual([delta("a"), { type: "error", error: timeout }]);
  });

  it("passes a `finish: aborted` on when the request's signal did not fire (a stop sequence's own abort)", async () => {
    const aborted: Part = { type: "finish", reason: "aborted" };
    const { parts } = backend([
      [0, delta("a")],
      [0, aborted],
    ]);
    expect(await collect(await openParts(parts, new AbortController().signal, 1000))).toEqual([
      delta("a"),
      aborted,
    ]);
  });
});
