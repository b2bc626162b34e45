/**
 * Keep-alives for server-sent event streams (gateway.md §8 rule 21). A gpt-oss reply can go quiet for a long
 * time — a long prompt being read, or reasoning the protocol does not stream — and proxies and load balancers
 * close a connection that carries nothing for a while (nginx: 60 s). An SSE comment line (`: keep-alive`) keeps
 * it open, and every SSE client skips comments; never a `data:` line, which openai-node would try to parse as
 * JSON and die on (§6 item 14). NDJSON has no comments, so Ollama streams get nothing (Ollama sends nothing
 * either).
 */

/** The comment sent after every stretch of silence. */
export const KEEP_ALIVE_COMMENT = ": keep-alive\n\n";

/** Default interval: well under the idle timeouts of common proxies (nginx 60 s, AWS ALB 60 s). */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

const TICK = Symbol("tick");

/**
 * The frames as they come, with `comment` in between whenever `everyMs` pass without one. Frames keep their
 * order: the next frame is asked for once and raced against the timer, never asked for twice; closing this
 * iterator closes `frames` (without waiting when a frame is still pending: its producer is aborted by then).
 */
export async function* withKeepAlive(
  frames: AsyncIterable<string>,
  everyMs: number,
  comment: string = KEEP_ALIVE_COMMENT,
): AsyncGenerator<string, void, undefined> {
  const iterator = frames[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<string>> | undefined;
  let done = false;
  try {
    while (true) {
      pending ??= iterator.next();
      const result = await raceTimer(pending, everyMs);
      if (result === TICK) {
        yield comment;
        continue;
      }
      pending = undefined;
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!done) {
      if (pending === undefined) await iterator.return?.();
      else {
        // A next() still running: return() would wait for it. Let it settle on its own, its failure unheard.
        pending.catch(() => {});
        void iterator.return?.()?.catch(() => {});
      }
    }
  }
}

/** The promise's result, or TICK when `ms` pass first; the timer never outlives the race. */
async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | typeof TICK> {
  let timer: NodeJS.Timeout | undefined;
  const tick = new Promise<typeof TICK>((resolve) => {
    timer = setTimeout(() => resolve(TICK), ms);
  });
  try {
    return await Promise.race([promise, tick]);
  } finally {
    clearTimeout(timer);
  }
}
