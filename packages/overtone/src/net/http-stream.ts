/**
 * Generation requests (a model server's streamed answer) over `node:http`/`node:https` with a keep-alive agent,
 * instead of fetch: for a gateway in front of a model server, fetch's per-request set-up (undici's request
 * object, the body copy redirects need, `AbortSignal.any`, web streams) and a new connection per stream were most
 * of what the gateway added per request, and a web-stream read per chunk a good part of its cost per delta.
 *
 * The semantics are `httpRequest`'s (http.ts): the host name is looked up first under a short timeout
 * (`resolveHost`: an IP literal costs nothing), a timeout covers connecting and the response headers (a retryable
 * `BackendError` `ETIMEDOUT`), not the body; a connection failure is `toBackendError`'s `BackendError` with the
 * system code; the caller's abort throws the caller's reason unchanged and closes the connection. The body is an
 * async iterable of bytes that ends with the upstream's response and throws (the system error, `ECONNRESET`) when
 * the connection breaks first; leaving a loop over it early closes the connection, so the server stops
 * generating.
 *
 * `upstreamRequest` is the seam the backends call: this path when the request would go straight to the server
 * (no injected fetch, no proxy in the environment), `httpRequest` (fetch) otherwise — tests and replays inject a
 * fetch, and a proxy is fetch's to reach. Both answer with an `UpstreamResponse`, so the backends' parsing is one.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import * as http from "node:http";
import * as https from "node:https";
import { BackendError } from "@overtone/errors";
import { behindProxy, DEFAULT_TIMEOUT_MS, httpRequest, toBackendError } from "./http.js";
import { type HostLookup, resolveHost } from "./resolve-host.js";

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

export interface StreamRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Time allowed for connecting and receiving the response headers (ms). Default 30 s; 0 disables. */
  timeoutMs?: number;
  /** Resolves the host name first (see `resolveHost`). Default the system resolver; `null` skips it. */
  lookup?: HostLookup | null;
  /** Time allowed for that name lookup (ms). */
  lookupTimeoutMs?: number;
}

export interface UpstreamRequestOptions extends StreamRequestOptions {
  /** Injected for tests and replays: the request then goes through `httpRequest` (fetch). */
  fetch?: typeof fetch;
}

/**
 * Sockets kept open between requests (keep-alive is most of the gain: no connect, no new socket per stream).
 * `maxSockets` bounds the connections to one server (256 concurrent streams; more wait for a free socket, within
 * their header timeout); an idle socket is closed after 4 s (undici's default too), or a second before the
 * server's own `Keep-Alive: timeout=…` says it will close it, so a request rarely meets a socket the server has
 * just closed — and when it does, it is sent again once on a new one (see `send`).
 */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 256, timeout: 4_000, scheduling: "lifo" } as const;
const agents = { http: new http.Agent(AGENT_OPTIONS), https: new https.Agent(AGENT_OPTIONS) };

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

/**
 * One request through `node:http`/`node:https` (see the module comment): resolves with the response whatever its
 * status once the headers are in; throws the caller's abort reason on abort, a `BackendError` otherwise.
 */
export async function streamRequest(
  url: string,
  options: StreamRequestOptions = {},
): Promise<UpstreamResponse> {
  options.signal?.throwIfAborted();
  const lookup = options.lookup === undefined ? dnsLookup : options.lookup;
  if (lookup !== null) await resolveHost(url, lookup, options.lookupTimeoutMs, options.signal);
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw toBackendError(error, url);
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new BackendError(`${url} is not an http or https URL`, { url, retryable: false });
  }
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? Buffer.from(options.body)
        : options.body;
  return send(target, url, body, options, false);
}

function send(
  target: URL,
  url: string,
  body: Uint8Array | undefined,
  options: StreamRequestOptions,
  retry: boolean,
): Promise<UpstreamResponse> {
  const { signal } = options;
  const secure = target.protocol === "https:";
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers["content-length"] = String(body.byteLength);
  return new Promise<UpstreamResponse>((resolve, reject) => {
    signal?.throwIfAborted();
    const request = (secure ? https : http).request({
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[|\]$/g, ""),
      port: target.port === "" ? (secure ? 443 : 80) : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: options.method ?? "GET",
      headers,
      agent: secure ? agents.https : agents.http,
    });
    let settled = false;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      request.destroy();
      reject(error);
    };
    const timer =
      timeoutMs > 0
        ? setTimeout(
            () =>
              fail(
                new BackendError(`no response from ${url} within ${timeoutMs} ms`, {
                  url,
                  retryable: true,
                  network: "ETIMEDOUT",
                }),
              ),
            timeoutMs,
          )
        : undefined;
    // Before the response: the caller's reason, unchanged. After it, the body's own listener takes over.
    let onAbort = () => fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    // The agent's idle timeout is for sockets in its pool; a stream may pause longer than that.
    request.on("socket", (socket) => socket.setTimeout(0));
    request.on("error", (error) => {
      if (settled) return; // after the response, the body reports it
      // A kept-alive socket the server closed just as this request went out: once more, on a new socket.
      const code = (error as { code?: unknown }).code;
      if (request.reusedSocket && code === "ECONNRESET" && !retry && !signal?.aborted) {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        send(target, url, body, options, true).then(resolve, reject);
        return;
      }
      fail(toBackendError(error, url));
    });
    request.on("response", (response) => {
      if (settled) {
        response.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      const made = nodeResponse(request, response, signal);
      onAbort = made.onAbort;
      resolve(made.response);
    });
    request.end(body);
  });
}

function nodeResponse(
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

/**
 * A generation request to a model server: `streamRequest` when it goes straight there, `httpRequest` (fetch)
 * when a fetch is injected or a proxy is configured in the environment.
 */
export async function upstreamRequest(
  url: string,
  options: UpstreamRequestOptions = {},
): Promise<UpstreamResponse> {
  const { fetch: injected, ...rest } = options;
  if (injected === undefined && !behindProxy()) return streamRequest(url, rest);
  return fromFetchResponse(await httpRequest(url, options));
}
