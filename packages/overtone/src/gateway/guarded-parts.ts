/**
 * A generation's parts as a route gets them (request-context.ts `generate`): opened before the reply starts, and
 * cut the moment the request's signal fires.
 *
 * Opening waits for the first part, so that an upstream failing before it produced anything (not reachable, model
 * not loaded) is answered with an HTTP status (rule 24) rather than a 200 stream that carries an error. It waits at
 * most `patienceMs`: a long prefill must not keep a stream reply from starting, because until its headers go out
 * nothing — not even a keep-alive (keep-alive.ts) — can tell a proxy that the connection is alive. A failure after
 * that arrives in the stream, as the protocol's error frame.
 *
 * Cutting: when the signal fires (the request's time ran out, the client left), the parts end at once with an
 * `error` part carrying the signal's reason — a 504 GatewayError for a timeout — whether or not the backend has
 * noticed, so each protocol ends its stream its own way (error frame + `[DONE]`, `response.failed`, an error line)
 * and a backend that ignores its abort cannot hang the reply. A backend's own `finish: aborted` or error after the
 * signal fired is replaced the same way: the signal's reason says why better than "aborted".
 *
 * The metrics' watch (metrics.ts) is shown every part the backend made, the failures that open with one too.
 */
import type { Part } from "@overtone/harmony";
import type { PartWatch } from "./metrics.js";
import { GatewayError, upstreamError } from "./protocol.js";

const WAITED = Symbol("waited");
const CUT = Symbol("cut");

export async function openParts(
  parts: AsyncIterator<Part>,
  signal: AbortSignal,
  patienceMs: number,
  watch: PartWatch = UNWATCHED,
): Promise<AsyncIterable<Part>> {
  const first = parts.next();
  const early = await race(first, signal, patienceMs);
  if (early === CUT) {
    watch.close();
    settleLater(parts, first);
    throw reasonOf(signal);
  }
  if (early !== WAITED && !early.done) {
    const part = early.value;
    const failed = part.type === "error" && !signal.aborted;
    if (failed || ended(part, signal)) {
      watch.see(part);
      watch.close();
      await parts.return?.(undefined);
      throw failed ? upstreamError(part.error) : reasonOf(signal);
    }
  }
  return guarded(parts, first, signal, watch);
}

/** The parts as they come, `watch` shown each one the backend made, cut when the signal fires (see above). */
async function* guarded(
  parts: AsyncIterator<Part>,
  first: Promise<IteratorResult<Part>>,
  signal: AbortSignal,
  watch: PartWatch,
): AsyncGenerator<Part, void, undefined> {
  let next: Promise<IteratorResult<Part>> | undefined = first;
  const cut = cutOnAbort(signal);
  try {
    while (true) {
      const result = await cut.race(next);
      if (result === CUT) {
        yield { type: "error", error: reasonOf(signal) };
        return;
      }
      next = undefined;
      if (result.done) return;
      watch.see(result.value);
      if (ended(result.value, signal)) {
        yield { type: "error", error: reasonOf(signal) };
        return;
      }
      yield result.value;
      next = parts.next();
    }
  } finally {
    watch.close();
    cut.close();
    if (next === undefined) await parts.return?.(undefined);
    else settleLater(parts, next);
  }
}

const UNWATCHED: PartWatch = { see: () => {}, close: () => {} };

/** A part that ends the generation because the signal fired (the backend's way of saying it was aborted). */
function ended(part: Part, signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  return part.type === "error" || (part.type === "finish" && part.reason === "aborted");
}

function reasonOf(signal: AbortSignal): GatewayError {
  const reason: unknown = signal.reason;
  return reason instanceof GatewayError
    ? reason
    : new GatewayError(499, "the request was cancelled", { code: "aborted", cause: reason });
}

/** Closes a generator that is still producing: return() would wait for its next(), so do not wait for it. */
function settleLater(parts: AsyncIterator<Part>, pending: Promise<unknown>): void {
  pending.catch(() => {});
  parts.return?.(undefined).catch(() => {});
}

/**
 * Races each part against the signal with one abort listener for the whole stream (`race` below adds and removes
 * one per call: per part, that bookkeeping — on a signal from AbortSignal.any — was ~4% of the gateway's CPU).
 * A stale `wake` from an earlier, settled race is harmless: resolving a settled promise does nothing.
 */
function cutOnAbort(signal: AbortSignal) {
  let wake: ((cut: typeof CUT) => void) | undefined;
  const onAbort = () => wake?.(CUT);
  signal.addEventListener("abort", onAbort, { once: true });
  return {
    race<T>(promise: Promise<T>): Promise<T | typeof CUT> {
      if (signal.aborted) return Promise.resolve(CUT);
      return new Promise((resolve, reject) => {
        wake = resolve;
        promise.then(resolve, reject);
      });
    },
    close: () => signal.removeEventListener("abort", onAbort),
  };
}

/** The promise's result, CUT when the signal fires first, WAITED when `ms` pass first (the first part's wait). */
function race<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  ms: number,
): Promise<T | typeof CUT | typeof WAITED> {
  if (signal.aborted) return Promise.resolve(CUT);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<typeof CUT | typeof WAITED>((resolve) => {
    onAbort = () => resolve(CUT);
    signal.addEventListener("abort", onAbort, { once: true });
    if (Number.isFinite(ms)) timer = setTimeout(() => resolve(WAITED), ms);
  });
  return Promise.race([promise, stop]).finally(() => {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  });
}
