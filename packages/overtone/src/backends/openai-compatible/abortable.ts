/**
 * Iterating a response body so that an abort ends the loop at once, whatever the body does: fetch normally
 * rejects a pending read when its signal fires, but an injected fetch (a proxy, a test double) may not, and a
 * consumer's abort must never wait on a stalled server. Leaving the loop (abort, break, error) cancels the
 * body, which closes the connection, so the server stops generating. The abort is thrown as `AbortedError` (with
 * the signal's reason as its cause), which the stream readers turn into a `finish` of reason `aborted`.
 */
import { AbortedError } from "@overtone/errors";
import type { UpstreamResponse } from "../../net/http-stream.js";

export async function* abortable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  const reader = abortableReader(source, signal);
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) return;
      yield result.value;
    }
  } finally {
    reader.close();
  }
}

/**
 * What `abortable` does, as a reader for a loop of its own (sse.ts reads chunks this way and makes each one's
 * events in the same step, not through another generator). `close` must be called when the loop ends, however.
 */
export function abortableReader<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined) {
  const iterator = source[Symbol.asyncIterator]();
  const race = signal === undefined ? undefined : abortRace(signal);
  let finished = false;
  return {
    async read(): Promise<IteratorResult<T>> {
      if (signal?.aborted) throw aborted(signal);
      const result = await (race === undefined ? iterator.next() : race.next(iterator.next()));
      if (result.done) finished = true;
      return result;
    },
    close(): void {
      race?.close();
      // Not awaited: a stalled body may never settle its cancel, and nothing more is wanted from it.
      if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
      finished = true;
    },
  };
}

/**
 * Races each read against the signal with one abort listener per body, not one per read: adding and removing a
 * listener for every chunk was a measurable share of the gateway's CPU per delta. A stale `fail` from an earlier,
 * settled read is harmless: rejecting a settled promise does nothing.
 */
function abortRace(signal: AbortSignal) {
  let fail: ((error: AbortedError) => void) | undefined;
  const onAbort = () => fail?.(aborted(signal));
  signal.addEventListener("abort", onAbort, { once: true });
  return {
    next<T>(read: Promise<IteratorResult<T>>): Promise<IteratorResult<T>> {
      return new Promise((resolve, reject) => {
        fail = reject;
        // The abort may have come while the read was being asked for (inside the source's own next()).
        if (signal.aborted) reject(aborted(signal));
        read.then(resolve, reject);
      });
    },
    close: () => signal.removeEventListener("abort", onAbort),
  };
}

function aborted(signal: AbortSignal): AbortedError {
  return new AbortedError("the request was aborted", { cause: signal.reason });
}

/**
 * A response body as an async iterable of bytes: an `UpstreamResponse`'s (net/http-stream.ts) is one, and so is
 * fetch's web ReadableStream.
 */
export function bodyOf(response: Response | Pick<UpstreamResponse, "body">): AsyncIterable<Uint8Array> {
  if (response.body === null) return (async function* () {})();
  return response.body as unknown as AsyncIterable<Uint8Array>;
}
