/**
 * Iterating a response body so that an abort ends the loop at once, whatever the body does: fetch normally
 * rejects a pending read when its signal fires, but an injected fetch (a proxy, a test double) may not, and a
 * consumer's abort must never wait on a stalled server. Leaving the loop (abort, break, error) cancels the
 * body, which closes the connection, so the server stops generating. The abort is thrown as `AbortedError` (with
 * the signal's reason as its cause), which the stream readers turn into a `finish` of reason `aborted`.
 */
import { AbortedError } from "@overtone/errors";

export async function* abortable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      if (signal?.aborted) throw aborted(signal);
      const result = await nextOrAbort(iterator, signal);
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!finished) {
      // Not awaited: a stalled body may never settle its cancel, and nothing more is wanted from it.
      Promise.resolve(iterator.return?.()).catch(() => {});
    }
  }
}

function nextOrAbort<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<T>> {
  const next = iterator.next();
  if (signal === undefined) return next;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(aborted(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    next.then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function aborted(signal: AbortSignal): AbortedError {
  return new AbortedError("the request was aborted", { cause: signal.reason });
}

/** A response body as an async iterable of bytes (Node's web ReadableStream is one). */
export function bodyOf(response: Response): AsyncIterable<Uint8Array> {
  if (response.body === null) return (async function* () {})();
  return response.body as unknown as AsyncIterable<Uint8Array>;
}
