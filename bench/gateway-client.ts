/**
 * The client of `bench:gateway`, the same for both sides (the synthetic upstream read directly, and the gateway
 * in front of it): node:http with keep-alive and SSE split by hand, each chunk JSON-parsed as any client does. It
 * is leaner than fetch (whose web streams cost more per chunk), so the client's own cost hides as little of the
 * gateway's as it can.
 *
 * Per delta it notes when it arrived against when the upstream wrote it (the delta's text ` w<k>` says which
 * one it is; the upstream runs in this process, so both times are on one clock).
 */
import { Agent, request } from "node:http";

export interface Shape {
  reasoning: number;
  content: number;
  /** The upstream's decode step in ms (latency), or 0: as fast as the socket takes it (throughput). */
  stepMs: number;
}

export interface RunResult {
  /** Request sent → first delta (reasoning or content) received, per stream, ms. */
  firstChunkMs: number[];
  /** Delta written by the upstream → received by the client, every delta of every stream, ms. */
  chunkMs: number[];
  /** The same from each stream's delta STEADY_FROM on: without the queue that the streams' start may build. */
  steadyChunkMs: number[];
  /**
   * Per stream: deltas per second from the upstream writing the first delta to the client reading the last (the
   * stream's speed as the server made it and the user got it; the request's set-up is the first chunk's).
   */
  streamRates: number[];
  /** Deltas received in all. */
  deltas: number;
  /** First request sent → last stream ended, ms. */
  wallMs: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
let nextStream = 1;
const INDEX = /w(\d+)/;
export const STEADY_FROM = 10;

function streamOnce(
  base: string,
  writeTimes: Map<number, Float64Array>,
  shape: Shape,
  into: RunResult,
): Promise<void> {
  const id = nextStream++;
  const body = JSON.stringify({
    model: "gpt-oss-20b",
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      {
        role: "user",
        content: `bench s=${id} r=${shape.reasoning} c=${shape.content} pace=${shape.stepMs}`,
      },
    ],
  });
  const total = shape.reasoning + shape.content;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let seen = 0;
    let firstWritten = 0;
    let lastAt = 0;
    let done = false;
    let buffer = "";
    const req = request(
      `${base}/v1/chat/completions`,
      { method: "POST", agent, headers: { "content-type": "application/json" } },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`${base}: HTTP ${response.statusCode}`));
        response.setEncoding("utf8");
        response.on("data", (text: string) => {
          const now = performance.now();
          buffer += text;
          let at = 0;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n", at)) {
            const data = buffer.slice(at + 6, end); // after "data: "
            at = end + 2;
            if (data === "[DONE]") {
              done = true;
              continue;
            }
            const chunk = JSON.parse(data);
            if (chunk.error !== undefined) return reject(new Error(JSON.stringify(chunk.error)));
            const delta = chunk.choices?.[0]?.delta;
            const piece = delta?.reasoning_content ?? delta?.reasoning ?? delta?.content;
            if (typeof piece !== "string" || piece === "") continue;
            const k = Number(INDEX.exec(piece)?.[1]);
            const times = writeTimes.get(id);
            if (times === undefined || !(k >= 0 && k < total))
              return reject(new Error(`stray delta ${piece}`));
            if (k === 0) {
              into.firstChunkMs.push(now - started);
              firstWritten = times[0] as number;
            }
            lastAt = now;
            into.chunkMs.push(now - (times[k] as number));
            if (k >= STEADY_FROM) into.steadyChunkMs.push(now - (times[k] as number));
            seen++;
          }
          buffer = buffer.slice(at);
        });
        response.on("end", () => {
          writeTimes.delete(id);
          into.deltas += seen;
          if (seen > 1) into.streamRates.push((seen - 1) / ((lastAt - firstWritten) / 1000));
          if (!done || seen !== total)
            reject(new Error(`stream ${id}: ${seen} of ${total} deltas, done=${done}`));
          else resolve();
        });
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** `concurrency` streams at once, all started together. */
export async function runStreams(
  base: string,
  writeTimes: Map<number, Float64Array>,
  concurrency: number,
  shape: Shape,
): Promise<RunResult> {
  const result: RunResult = {
    firstChunkMs: [],
    chunkMs: [],
    steadyChunkMs: [],
    streamRates: [],
    deltas: 0,
    wallMs: 0,
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => streamOnce(base, writeTimes, shape, result)));
  result.wallMs = performance.now() - started;
  return result;
}

/** Nearest-rank percentile (p in 0–100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = Float64Array.from(samples).sort();
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}
