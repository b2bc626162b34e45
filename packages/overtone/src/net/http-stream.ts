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
import { fromFetchResponse, nodeResponse, type UpstreamResponse } from "./upstream-response.js";

export type { UpstreamResponse } from "./upstream-response.js";

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
