/**
 * One download request: GET with an optional `Range`, redirects followed by hand. Hugging Face answers a
 * `resolve/` URL with a redirect to its CDN and puts the file's identity on that first hop only (`X-Linked-Etag`:
 * the LFS sha256; `X-Linked-Size`), so fetch's automatic redirects would lose it. Following by hand also lets us
 * drop the `Authorization` header when a redirect leaves the origin (the CDN URL is already signed; the token must
 * not travel to another host).
 */

import { BackendError } from "@overtone/errors";
import { ensureOk, httpRequest } from "../../net/http.js";

export interface DownloadRequestOptions {
  /** Resume from this byte (sends `Range: bytes=<from>-`); 0 asks for the whole file. */
  from: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface OpenedDownload {
  /** 200 (whole file), 206 (from `start`) or 416 (nothing past `from`: the part may already be complete). */
  response: Response;
  status: number;
  /** The URL that finally answered. */
  finalUrl: string;
  /** Where the body starts in the file: `from` for 206, 0 for 200. */
  start: number;
  /** The file's full size, when known (Content-Range, Content-Length, X-Linked-Size). */
  total: number | undefined;
  /** The sha256 the server vouches for (X-Linked-Etag or a sha256-shaped ETag on any hop). */
  sha256: string | undefined;
}

const MAX_REDIRECTS = 10;
const SHA256 = /^[0-9a-f]{64}$/;

/** The sha256 in an ETag-style header value (`"abc…"`, `W/"abc…"`), if it is one. */
export function sha256FromEtag(value: string | null): string | undefined {
  if (value === null) return undefined;
  const bare = value
    .trim()
    .replace(/^W\//, "")
    .replace(/^"|"$/g, "")
    .replace(/^sha256:/, "")
    .toLowerCase();
  return SHA256.test(bare) ? bare : undefined;
}

function positiveInt(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Parses `Content-Range: bytes <start>-<end>/<total|*>` (206) or `bytes *\/<total>` (416). */
export function parseContentRange(
  value: string | null,
): { start: number | undefined; total: number | undefined } | undefined {
  const m = value?.trim().match(/^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i);
  if (!m) return undefined;
  return { start: positiveInt(m[1]), total: m[3] === "*" ? undefined : positiveInt(m[3]) };
}

export async function openDownload(url: string, options: DownloadRequestOptions): Promise<OpenedDownload> {
  let current = url;
  let headers: Record<string, string> = { ...options.headers };
  if (options.from > 0) headers.range = `bytes=${options.from}-`;
  let linkedSha: string | undefined;
  let etagSha: string | undefined;
  let linkedSize: number | undefined;
  for (let hop = 0; ; hop++) {
    const response = await httpRequest(current, {
      headers,
      signal: options.signal,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      redirect: "manual",
    });
    linkedSha ??= sha256FromEtag(response.headers.get("x-linked-etag"));
    etagSha ??= sha256FromEtag(response.headers.get("etag"));
    linkedSize ??= positiveInt(response.headers.get("x-linked-size"));
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) {
        throw new BackendError(`more than ${MAX_REDIRECTS} redirects from ${url}`, { url, retryable: false });
      }
      const next = new URL(location, current);
      if (next.origin !== new URL(current).origin) {
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
      }
      current = next.href;
      continue;
    }
    const sha256 = linkedSha ?? etagSha;
    const range = parseContentRange(response.headers.get("content-range"));
    if (response.status === 416) {
      await response.body?.cancel();
      return { response, status: 416, finalUrl: current, start: options.from, total: range?.total, sha256 };
    }
    await ensureOk(response, current);
    if (response.status === 206) {
      if (range?.start !== options.from) {
        await response.body?.cancel();
        throw new BackendError(
          `${current} answered a range request for byte ${options.from} with ${response.headers.get("content-range") ?? "no Content-Range"}`,
          { url: current, status: 206, retryable: false },
        );
      }
      return {
        response,
        status: 206,
        finalUrl: current,
        start: options.from,
        total: range.total ?? linkedSize,
        sha256,
      };
    }
    const length = positiveInt(response.headers.get("content-length"));
    // A compressed body's length is not the file's; only trust Content-Length for identity encoding.
    const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
    return {
      response,
      status: response.status,
      finalUrl: current,
      start: 0,
      total: (encoded ? undefined : length) ?? linkedSize,
      sha256,
    };
  }
}
