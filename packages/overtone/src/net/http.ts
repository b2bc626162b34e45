/**
 * The one place Overtone calls `fetch` (net/ sits below engine/ and backends/, which both reach servers).
 * A thin wrapper that adds what every caller needs and fetch lacks: a
 * timeout on connecting and the response headers (not on the body — a 13 GB download or a long stream must not be
 * cut off), a short one on looking the host name up (resolve-host.ts: offline fails in seconds), typed errors (`BackendError` with status, URL, the start of the body, whether a retry may help, and
 * the system error code when no response came back at all) and abort that stays an abort: when the caller's
 * signal fires, its reason is thrown unchanged so callers can tell "stopped on purpose" from "failed".
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { BackendError, isOvertoneError } from "@overtone/errors";
import { type HostLookup, resolveHost } from "./resolve-host.js";

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestInit["body"];
  signal?: AbortSignal;
  /** Time allowed for connecting and receiving the response headers (ms). Default 30 s; 0 disables. */
  timeoutMs?: number;
  /** Injected for tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** `manual` returns 3xx responses as they are, so a caller can read headers on each hop. Default `follow`. */
  redirect?: "follow" | "manual" | "error";
  /**
   * Resolves the host name before the request (see `resolveHost`). Default: the system resolver when `fetch` is
   * the global one; none when a `fetch` is injected or a proxy is configured (then the proxy resolves the name,
   * and it may be one this machine cannot: a proxy, a test double).
   */
  lookup?: HostLookup | null;
  /** Time allowed for that name lookup (ms). Default `DEFAULT_LOOKUP_TIMEOUT_MS` (3 s). */
  lookupTimeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** How much of an error response body is kept on the error (enough for a JSON error message, not a page). */
const ERROR_BODY_LIMIT = 2_000;

/** Statuses where the same request may succeed later (rate limits, gateway trouble, overload). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * True for an error raised because an AbortSignal fired (fetch's `AbortError`, a signal's reason, or Overtone's
 * `AbortedError`).
 */
export function isAbortError(error: unknown): boolean {
  if (isOvertoneError(error)) return error.code === "ABORTED";
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/** The system error code behind a failed fetch (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, …), if any. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    // Dual-stack connects fail with an AggregateError holding one error per address.
    const inner = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length > 0) {
      const first = networkCode(inner[0]);
      if (first !== undefined) return first;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Codes meaning no connection could be made at all: the host is unknown, refused, or unreachable. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENETDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** True when the error says the server could not be reached (offline, DNS, refused), not that it answered. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof BackendError && error.network !== undefined && UNREACHABLE.has(error.network);
}

/** Codes of a connection that broke or never formed (as opposed to, say, a full disk while saving a body). */
const NETWORK = new Set([
  ...UNREACHABLE,
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTDOWN",
  "EPROTO",
]);

/** True for a system error code that means the network failed (undici's own `UND_ERR_*` included). */
export function isNetworkCode(code: string | undefined): boolean {
  return (
    code !== undefined && (NETWORK.has(code) || code.startsWith("UND_ERR") || code.startsWith("ERR_TLS"))
  );
}

/** The innermost message of an error chain: fetch says only "fetch failed" and puts "bad port" in its cause. */
export function rootMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message || message;
    current = current.cause;
  }
  return message;
}

/** A fetch-level failure (no usable response, or the body broke off) as a `BackendError`. */
export function toBackendError(error: unknown, url: string, what = "request"): BackendError {
  if (error instanceof BackendError) return error;
  const code = networkCode(error);
  const detail = code ?? rootMessage(error);
  if (code === "ERR_INVALID_URL" || /^(bad port|invalid url)/i.test(detail)) {
    // fetch refuses ports it deems unsafe (6000, 6665–6669, 10080, …) and ones above 65535 before connecting.
    const why = rootMessage(error);
    return new BackendError(`${url} is not a URL that can be fetched: ${why}`, {
      url,
      retryable: false,
      network: code ?? "ERR_INVALID_URL",
      hint: /bad port/i.test(why)
        ? "fetch refuses this port as unsafe; serve on another port"
        : "check the host, and that the port is a number from 1 to 65535",
      cause: error,
    });
  }
  return new BackendError(`${what} to ${url} failed: ${detail}`, {
    url,
    retryable: isNetworkCode(code),
    network: code,
    cause: error,
  });
}

/** A proxy in the environment: names are the proxy's to resolve, so looking them up here could only mislead. */
export function behindProxy(): boolean {
  const env = process.env;
  return [
    env.HTTPS_PROXY,
    env.https_proxy,
    env.HTTP_PROXY,
    env.http_proxy,
    env.ALL_PROXY,
    env.all_proxy,
  ].some((value) => value !== undefined && value.trim() !== "");
}

/**
 * Sends one request and returns the response whatever its status (see `ensureOk`). Throws the caller's abort
 * reason on abort, and a `BackendError` when no response arrives (timeout, connection failure).
 */
export async function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const lookup =
    options.lookup === undefined
      ? options.fetch === undefined && !behindProxy()
        ? dnsLookup
        : null
      : options.lookup;
  if (lookup !== null) await resolveHost(url, lookup, options.lookupTimeoutMs, options.signal);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = new AbortController();
  const signals = options.signal === undefined ? [timeout.signal] : [timeout.signal, options.signal];
  const timer =
    timeoutMs > 0
      ? setTimeout(() => timeout.abort(new DOMException("timed out", "TimeoutError")), timeoutMs)
      : undefined;
  try {
    return await doFetch(url, {
      method: options.method ?? "GET",
      headers: options.headers,
      body: options.body,
      redirect: options.redirect ?? "follow",
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    // An abort is thrown as the caller's reason, unchanged (an aborted signal always has one).
    options.signal?.throwIfAborted();
    if (timeout.signal.aborted) {
      throw new BackendError(`no response from ${url} within ${timeoutMs} ms`, {
        url,
        retryable: true,
        network: "ETIMEDOUT",
        cause: error,
      });
    }
    throw toBackendError(error, url);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Reads at most `limit` characters of a response body, for error messages; never throws. */
export async function readErrorBody(
  response: { text(): Promise<string> },
  limit = ERROR_BODY_LIMIT,
): Promise<string | undefined> {
  try {
    const text = await response.text();
    return text.length > limit ? `${text.slice(0, limit)}…` : text;
  } catch {
    return undefined;
  }
}

/** True when a body is a web page (a proxy's, a dashboard's, another server's 404) rather than an API's answer. */
export function isHtmlBody(body: string | undefined): boolean {
  return body !== undefined && /^\s*<(!doctype\s+html|html|head|body|title)\b/i.test(body);
}

/**
 * A body in a form fit for a one-line message: a web page by its title, anything else by its first line (at most
 * 200 characters). The whole body stays on the error (`BackendError.body`) for `--debug` and bug reports.
 */
export function bodyHeadline(body: string | undefined): string | undefined {
  const text = body?.trim();
  if (text === undefined || text === "") return undefined;
  if (isHtmlBody(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return title ? `an HTML page ("${title}")` : "an HTML page";
  }
  const first = (text.split("\n")[0] ?? "").trim();
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}

/** Returns the response when it is 2xx; otherwise consumes the body and throws a `BackendError`. */
export async function ensureOk(response: Response, url: string, hint?: string): Promise<Response> {
  if (response.ok) return response;
  const body = await readErrorBody(response);
  // A web page instead of an API's answer means the URL points at some other server: say so, by its title.
  const page = isHtmlBody(body) ? ` with ${bodyHeadline(body)}` : "";
  throw new BackendError(`${`${url} answered ${response.status} ${response.statusText}`.trim()}${page}`, {
    url,
    status: response.status,
    body,
    retryable: isRetryableStatus(response.status),
    hint,
  });
}

/** GET (or send) and parse a JSON answer; non-2xx and unparsable bodies become `BackendError`s. */
export async function httpJson<T = unknown>(url: string, options: HttpRequestOptions = {}): Promise<T> {
  const response = await ensureOk(
    await httpRequest(url, { ...options, headers: { accept: "application/json", ...options.headers } }),
    url,
  );
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    options.signal?.throwIfAborted();
    throw toBackendError(error, url, "reading the response");
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new BackendError(
      `${url} answered ${response.status} with ${bodyHeadline(text) ?? "an empty body"}, not JSON`,
      {
        url,
        status: response.status,
        body: text.slice(0, ERROR_BODY_LIMIT),
        retryable: false,
        cause: error,
      },
    );
  }
}
