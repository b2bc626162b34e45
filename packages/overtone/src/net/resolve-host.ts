/**
 * The name lookup `httpRequest` does before fetch: fetch (undici) has no separate bound on resolving a host, so
 * offline, or with a DNS server that does not answer, a request would wait out the whole connect timeout for a
 * name. Looking it up first, under its own short timeout, makes "cannot resolve" an answer in seconds. The lookup
 * is injectable (`HostLookup`) so a hanging resolver can be tested without a network.
 */
import { isIP } from "node:net";
import { BackendError } from "@overtone/errors";

/** Resolves a host name; rejects with a system error (`ENOTFOUND`, `EAI_AGAIN`) when it cannot. */
export type HostLookup = (hostname: string) => Promise<unknown>;

export const DEFAULT_LOOKUP_TIMEOUT_MS = 3_000;

/** Hosts resolved lately: a stream of requests to one server looks its name up once. */
const resolved = new Map<string, number>();
const RESOLVED_FOR_MS = 60_000;

/**
 * Looks the URL's host name up before fetch does, with its own short timeout. Offline, or with a DNS server that
 * does not answer, fetch would wait out its whole connect timeout (30 s) for a name; here the failure comes in at
 * most `timeoutMs`, as a `BackendError` with the system code. Only the name is bounded: once it resolves, the
 * request itself has its usual time, so a slow link downloading for an hour is never cut off. IP literals and
 * `localhost` need no lookup.
 */
export async function resolveHost(
  url: string,
  lookup: HostLookup,
  timeoutMs = DEFAULT_LOOKUP_TIMEOUT_MS,
  signal?: AbortSignal,
): Promise<void> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return; // fetch reports the invalid URL itself
  }
  if (host === "" || host === "localhost" || isIP(host) !== 0) return;
  if ((resolved.get(host) ?? 0) > Date.now()) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BackendError(`looking up ${host} got no answer within ${timeoutMs} ms (${url})`, {
            url,
            retryable: true,
            network: "EAI_AGAIN",
          }),
        ),
      timeoutMs,
    );
  });
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (signal === undefined) return;
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([lookup(host), late, stopped]);
    resolved.set(host, Date.now() + RESOLVED_FOR_MS);
  } catch (error) {
    if (error instanceof BackendError || signal?.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    const known = typeof code === "string" ? code : undefined;
    const detail = known ?? (error instanceof Error ? error.message : String(error));
    throw new BackendError(`cannot resolve ${host} (${detail}) for ${url}`, {
      url,
      // Name-service failures (ENOTFOUND, EAI_AGAIN, …) may pass; a caller's retry policy decides.
      retryable: known !== undefined,
      network: known,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    late.catch(() => undefined);
    stopped.catch(() => undefined);
  }
}
