/**
 * The synthetic upstream of `bench:gateway`: a node:http server that answers `POST /v1/chat/completions` the
 * way llama-server does for gpt-oss (reference/wire 031): a role chunk (`content: null`), reasoning deltas in
 * `reasoning_content`, content deltas, a chunk with the finish reason and an empty delta, a `choices: []` chunk
 * with usage and timings, `data: [DONE]` — each chunk its own write, as the real server writes them. It does no
 * work besides that, so whatever a client sees on top of it is the client's or the gateway's.
 *
 * The request's last user message says what to send: `bench s=<stream id> r=<reasoning deltas> c=<content
 * deltas> pace=<step ms, 0: none>`. Delta k's text is ` w<k>` (one short token, as a real delta is), so the client can tell
 * which chunk it holds however the gateway re-frames it; the time of each delta's write is kept per stream
 * (`writeTimes`) for the client, which runs in the same process, on the same clock.
 *
 * pace=N: the role chunk and delta 0 go out at once (no prefill), then every active stream of that pace gets its
 * next chunk on one shared step every N ms — a batching server (vLLM, llama-server with parallel slots) emits a token for
 * all its sequences per decode step, so concurrent streams' chunks arrive in bursts, the gateway's worst case.
 * pace=0: every chunk at once, as fast as the socket takes them (waiting for `drain`), for throughput.
 */
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Upstream {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Per stream id: when delta k was written (performance.now()). */
  writeTimes: Map<number, Float64Array>;
  close(): Promise<void>;
}

interface Active {
  response: ServerResponse;
  next: number;
  total: number;
  reasoning: number;
  stepMs: number;
  times: Float64Array;
  chunk: (fields: Record<string, unknown>) => string;
}

interface Stepper {
  stepMs: number;
  active: Set<Active>;
  /** performance.now() of the next step. */
  due: number;
  timer: NodeJS.Timeout | undefined;
}

const ASK = /bench s=(\d+) r=(\d+) c=(\d+) pace=(\d+)/;

export async function startUpstream(): Promise<Upstream> {
  const writeTimes = new Map<number, Float64Array>();
  /** Per pace (ms): the streams it steps, when its next step is due, and its timer while it has any. */
  const steppers = new Map<number, Stepper>();

  /** Writes delta k (or, past the last one, the end) of a stream; false once the stream is done. */
  function advance(s: Active): boolean {
    if (s.next < s.total) {
      const k = s.next++;
      const field = k < s.reasoning ? "reasoning_content" : "content";
      const frame = s.chunk({ choices: [{ finish_reason: null, index: 0, delta: { [field]: ` w${k}` } }] });
      s.times[k] = performance.now();
      s.response.write(frame);
      return true;
    }
    s.response.write(s.chunk({ choices: [{ finish_reason: "stop", index: 0, delta: {} }] }));
    s.response.write(
      s.chunk({
        choices: [],
        usage: { completion_tokens: s.total, prompt_tokens: 84, total_tokens: s.total + 84 },
        timings: { prompt_n: 1, prompt_ms: 9, predicted_n: s.total, predicted_ms: s.total * s.stepMs },
      }),
    );
    s.response.end("data: [DONE]\n\n");
    return false;
  }

  /**
   * One decode step, and the next one scheduled on the step grid (not `stepMs` after this one ran late, as
   * setInterval would): both sides then get the same pace however busy this process is between steps.
   */
  function step(stepper: Stepper): void {
    for (const s of stepper.active) if (!advance(s)) stepper.active.delete(s);
    if (stepper.active.size === 0) {
      steppers.delete(stepper.stepMs);
      return;
    }
    stepper.due += stepper.stepMs;
    stepper.timer = setTimeout(step, Math.max(0, stepper.due - performance.now()), stepper);
  }

  const server = createServer(async (request, response) => {
    let body = "";
    for await (const piece of request) body += piece;
    if (request.url === "/v1/models") {
      // Like llama-server's answer, without `meta.n_vocab`: the gateway's backend then takes the chat route.
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ object: "list", data: [{ id: "openai/gpt-oss-20b", owned_by: "llamacpp" }] }),
      );
      return;
    }
    const ask = ASK.exec(body);
    if (request.url !== "/v1/chat/completions" || ask === null) {
      response.writeHead(404).end();
      return;
    }
    const [, id, r, c, pace] = ask.map(Number) as [number, number, number, number, number];
    const envelope = {
      created: Math.floor(Date.now() / 1000),
      id: `chatcmpl-bench${id}`,
      model: "openai/gpt-oss-20b",
      system_fingerprint: "b7010-c27efd2bd",
      object: "chat.completion.chunk",
    };
    const times = new Float64Array(r + c);
    writeTimes.set(id, times);
    const s: Active = {
      response,
      next: 0,
      total: r + c,
      reasoning: r,
      stepMs: pace,
      times,
      chunk: (fields) => `data: ${JSON.stringify({ ...fields, ...envelope })}\n\n`,
    };
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write(
      s.chunk({ choices: [{ finish_reason: null, index: 0, delta: { role: "assistant", content: null } }] }),
    );
    if (pace > 0) {
      advance(s);
      let stepper = steppers.get(pace);
      if (stepper === undefined) {
        const due = performance.now() + pace;
        stepper = { stepMs: pace, active: new Set(), due, timer: undefined };
        stepper.timer = setTimeout(step, pace, stepper);
        steppers.set(pace, stepper);
      }
      stepper.active.add(s);
      return;
    }
    for (;;) {
      const more = advance(s);
      if (!more) return;
      if (response.writableNeedDrain) await once(response, "drain");
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    writeTimes,
    close: () =>
      new Promise((resolve) => {
        for (const { timer } of steppers.values()) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
