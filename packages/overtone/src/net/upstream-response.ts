/**
 * The response of a generation request as the backends read it (`UpstreamResponse`), made from node:http's
 * `IncomingMessage` (http-stream.ts's path) or from fetch's `Response` (injected fetches, proxies), so the
 * backends' parsing is one. The node:http body is read ahead a little, paused under backpressure, throws when the
 * connection breaks before its end, and closes the connection when the consumer leaves early — after a short
 * wait when the protocol's last event came before the HTTP body's end, so the socket can serve the next request.
 */
import type * as http from "node:http";

/** A response as the backends read it: fetch's `Response` is wrapped into one, node:http's made one. */
export interface UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  /** Status 200–299. */
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** The body's bytes; throws when the connection breaks before the body's end; leaving early closes it. */
  readonly body: AsyncIterable<Uint8Array>;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** Not reading any further: closes the connection unless the body already came in whole. */
  cancel(): void;
}

/** Chunks read ahead of the consumer before the socket is paused (backpressure on the server). */
const READ_AHEAD = 16;
/**
 * After a consumer leaves a body that has not ended yet, how long to wait for the end before closing the
 * connection: the protocol's last event (`[DONE]`, `done: true`) often arrives a packet before the HTTP body's
 * end, and closing then would lose the socket for the next request. Any further data, or no end within this
 * time, closes the connection at once: the server is still working for a consumer that is gone.
 */
const LINGER_MS = 200;

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

export function nodeResponse(
  request: http.ClientRequest,
  response: http.IncomingMessage,
  signal: AbortSignal | undefined,
): { response: UpstreamResponse; onAbort: () => void } {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: unknown;
  let waiting: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: unknown) => void } | undefined;
  let paused = false;
  let left = false;
  let linger: NodeJS.Timeout | undefined;

  const close = () => {
    clearTimeout(linger);
    request.destroy();
    response.destroy();
  };
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    clearTimeout(linger);
    if (error !== undefined) failure = error;
    signal?.removeEventListener("abort", onAbort);
    const waiter = waiting;
    waiting = undefined;
    if (waiter === undefined) return;
    if (failure !== undefined) waiter.reject(failure);
    else waiter.resolve(DONE);
  };
  // An abort closes the connection at once — unless the consumer has already left and the body is only being
  // waited out (`LINGER_MS`): an abort that cleans up after a finished stream must not cost the socket.
  const onAbort = () => {
    if (left) return;
    close();
    end(signal?.reason);
  };
  signal?.addEventListener("abort", onAbort, { once: true });

  response.on("data", (chunk: Buffer) => {
    if (left) {
      close(); // the server is still sending to a consumer that is gone
      end();
      return;
    }
    const waiter = waiting;
    if (waiter !== undefined) {
      waiting = undefined;
      waiter.resolve({ value: chunk, done: false });
      return;
    }
    queue.push(chunk);
    if (queue.length >= READ_AHEAD && !paused) {
      paused = true;
      response.pause();
    }
  });
  response.on("end", () => end());
  response.on("error", (error) => end(signal?.aborted ? signal.reason : error));
  response.on("close", () => {
    if (response.complete) return; // 'end' comes (or came) with the last bytes
    end(
      signal?.aborted
        ? signal.reason
        : Object.assign(new Error(`the connection closed before the response's end`), { code: "ECONNRESET" }),
    );
  });

  const cancel = () => {
    if (left) return;
    left = true;
    queue.length = 0;
    if (ended || response.complete) {
      end();
      if (paused) response.resume(); // the rest (none, or the end) goes, and the socket back to the pool
      return;
    }
    if (paused) response.resume();
    linger = setTimeout(() => {
      close();
      end();
    }, LINGER_MS);
  };

  const iterator: AsyncIterator<Uint8Array> & AsyncIterable<Uint8Array> = {
    next(): Promise<IteratorResult<Uint8Array>> {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        if (paused && queue.length <= READ_AHEAD / 2) {
          paused = false;
          response.resume();
        }
        return Promise.resolve({ value: chunk, done: false });
      }
      if (ended || left) return failure !== undefined ? Promise.reject(failure) : Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return(): Promise<IteratorResult<Uint8Array>> {
      cancel();
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  const status = response.statusCode ?? 0;
  return {
    onAbort,
    response: {
      status,
      statusText: response.statusMessage ?? "",
      ok: status >= 200 && status < 300,
      headers: {
        get(name: string): string | null {
          const value = response.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
        },
      },
      body: iterator,
      async text(): Promise<string> {
        const chunks: Buffer[] = [];
        for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) {
          chunks.push(r.value as Buffer);
        }
        return Buffer.concat(chunks).toString("utf8");
      },
      cancel,
    },
  };
}

/** fetch's `Response` as an `UpstreamResponse`. */
export function fromFetchResponse(response: Response): UpstreamResponse {
  const stream = response.body;
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    body: stream === null ? emptyBody() : (stream as unknown as AsyncIterable<Uint8Array>),
    text: () => response.text(),
    cancel: () => {
      stream?.cancel().catch(() => {});
    },
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array, void, undefined> {}
