/**
 * `downloadFile`: a real, resumable, checksummed download. Bytes go to `<dest>.part`; what that part belongs to
 * (URL, expected sha256, size) is kept in `<dest>.part.json`, so a later run — after a dropped connection, a
 * Ctrl-C or a reboot — asks only for the missing bytes (`Range`) and throws the part away if the file changed on
 * the server. The sha256 is computed while writing (a resumed part is re-hashed once first) and checked against
 * the caller's value or the server's (Hugging Face's LFS sha256); only a matching file is renamed into place, so
 * `<dest>` either does not exist or is complete and verified. Transient failures (connection lost, 5xx, 429, a
 * stalled body) are retried with exponential backoff; the retry budget refills whenever an attempt made progress.
 * A server that cannot be reached at all before any byte arrived (offline) fails at once instead.
 * An abort stops at once and keeps the part for the next run.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { BackendError, fileSystemError } from "@overtone/errors";
import { isAbortError, isNetworkCode, isUnreachable, networkCode, toBackendError } from "../../net/http.js";
import { lockDownload } from "./download-lock.js";
import { openDownload } from "./download-request.js";
import { createProgressTracker, type ProgressCallback } from "./progress.js";

export interface DownloadOptions {
  url: string;
  /** Final path; written only once complete and verified. */
  dest: string;
  /** Expected sha256 (hex); overrides what the server says. */
  sha256?: string;
  headers?: Record<string, string>;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Retries after transient failures without progress in between (default 5). */
  retries?: number;
  /** First backoff delay (ms), doubled per retry up to 30 s (default 1000). */
  retryDelayMs?: number;
  /** A body that sends nothing for this long is dropped and resumed (default 60 s). */
  idleTimeoutMs?: number;
  /** Connect and response-header timeout per request (default: http.ts's). */
  timeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** True when the sha256 was checked against an expected value (the caller's or the server's). */
  verified: boolean;
  /** Bytes fetched over the network in this call (less than sizeBytes after a resume). */
  downloadedBytes: number;
}

interface PartMeta {
  url: string;
  sha256?: string;
  total?: number;
}

const MAX_BACKOFF_MS = 30_000;
const WRITE_BLOCK = 1 << 20;

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (s) => s.size,
    () => undefined,
  );
}

async function readMeta(path: string): Promise<PartMeta | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as PartMeta;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Hashes the first `bytes` of a file (a part being resumed), reporting progress as the `verify` phase. */
async function hashPrefix(
  path: string,
  bytes: number,
  onProgress: ProgressCallback | undefined,
): Promise<Hash> {
  const hash = createHash("sha256");
  if (bytes === 0) return hash;
  const progress = createProgressTracker("verify", bytes, onProgress);
  let done = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    progress.update(done);
  }
  progress.finish(done);
  return hash;
}

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  // `dest` may be any path a library caller chose: its folder is named, not the cache.
  await mkdir(dirname(options.dest), { recursive: true }).catch((error: unknown) => {
    throw fileSystemError(error, options.dest, "write");
  });
  const release = await lockDownload(`${options.dest}.lock`, options.url);
  try {
    return await download(options);
  } finally {
    await release();
  }
}

async function download(options: DownloadOptions): Promise<DownloadResult> {
  const { url, dest, signal } = options;
  const part = `${dest}.part`;
  const metaPath = `${part}.json`;
  const retries = options.retries ?? 5;
  const baseDelay = options.retryDelayMs ?? 1000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const wanted = options.sha256?.toLowerCase();

  let meta = await readMeta(metaPath);
  if (meta?.url !== url || (wanted !== undefined && meta.sha256 !== undefined && meta.sha256 !== wanted)) {
    // A part of something else (or of nothing we know): start clean.
    await unlink(part).catch(() => undefined);
    meta = undefined;
  }
  let hash: Hash | undefined;
  let hashed = 0;
  let downloaded = 0;
  let failures = 0;
  const reset = async () => {
    await unlink(part).catch(() => undefined);
    await unlink(metaPath).catch(() => undefined);
    meta = undefined;
    hash = undefined;
    hashed = 0;
  };

  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const have = (await sizeOf(part)) ?? 0;
    const before = downloaded;
    const idle = new AbortController();
    const attemptSignal = signal === undefined ? idle.signal : AbortSignal.any([signal, idle.signal]);
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => idle.abort(new DOMException("body stalled", "TimeoutError")),
        idleTimeoutMs,
      );
    };
    try {
      // Hash what is already there before asking for the rest: a server would not wait while 10 GB is re-read.
      if (hash === undefined || hashed !== have) {
        hash = await hashPrefix(part, have, options.onProgress);
        hashed = have;
      }
      const opened = await openDownload(url, {
        from: have,
        headers: { "accept-encoding": "identity", ...options.headers },
        signal: attemptSignal,
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
      });
      const expected = wanted ?? opened.sha256;
      const total = opened.total;
      const changed =
        meta !== undefined &&
        ((meta.sha256 !== undefined && expected !== undefined && meta.sha256 !== expected) ||
          (meta.total !== undefined && total !== undefined && meta.total !== total));
      if (changed || (opened.status === 416 && (meta?.total === undefined || meta.total !== have))) {
        // The file on the server is not the one the part came from (or the part is not a prefix of it).
        await opened.response.body?.cancel();
        if (have === 0 && !changed) throw toBackendError(new Error("range not satisfiable"), url);
        await reset();
        continue;
      }
      if (opened.start === 0 && have > 0) await reset(); // the server ignored Range: start over
      hash ??= createHash("sha256");
      meta = { url, sha256: expected, total: total ?? meta?.total };
      await writeFile(`${metaPath}.tmp`, JSON.stringify(meta));
      await rename(`${metaPath}.tmp`, metaPath);
      if (opened.status !== 416) {
        const progress = createProgressTracker("download", meta.total, options.onProgress);
        const file = await open(part, opened.start === 0 ? "w" : "a");
        const sink = hash;
        // Network chunks are 16–64 kB; writing them one by one costs a thread-pool round trip each.
        let pending: Uint8Array[] = [];
        let pendingBytes = 0;
        const flush = async () => {
          if (pendingBytes === 0) return;
          const block =
            pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await file.write(block);
          sink.update(block);
          hashed += block.length;
        };
        try {
          progress.update(hashed);
          armIdle();
          const body = opened.response.body;
          if (body !== null) {
            for await (const chunk of body) {
              armIdle();
              pending.push(chunk);
              pendingBytes += chunk.length;
              downloaded += chunk.length;
              if (pendingBytes >= WRITE_BLOCK) await flush();
              progress.update(hashed + pendingBytes);
            }
          }
          await flush();
          await file.sync();
        } finally {
          // Bytes received before a failure are good: keep them, so the retry asks only for the rest.
          await flush().finally(() => file.close());
        }
        if (meta.total !== undefined && hashed !== meta.total) {
          throw new BackendError(`${url}: the body ended at byte ${hashed} of ${meta.total}`, {
            url,
            retryable: true,
            network: "ESHORTBODY",
          });
        }
        progress.finish(hashed);
      }
      const sha256 = hash.digest("hex");
      const expectedSha = meta.sha256;
      if (expectedSha !== undefined && sha256 !== expectedSha) {
        await reset();
        throw new BackendError(
          `checksum mismatch for ${url}: got sha256 ${sha256}, expected ${expectedSha}; the partial file was deleted`,
          { url, retryable: false, hint: "retry the download; if it fails again the source file is corrupt" },
        );
      }
      await rename(part, dest);
      await unlink(metaPath).catch(() => undefined);
      return {
        path: dest,
        sizeBytes: hashed,
        sha256,
        verified: meta.sha256 !== undefined,
        downloadedBytes: downloaded,
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const stalled = idle.signal.aborted;
      const failure = stalled
        ? new BackendError(`${url}: no data for ${idleTimeoutMs} ms`, {
            url,
            retryable: true,
            network: "ETIMEDOUT",
            cause: error,
          })
        : error instanceof BackendError || isAbortError(error) || !isNetworkCode(networkCode(error))
          ? error // a network failure is made a BackendError; a bug or a disk error is never retried or disguised
          : toBackendError(error, url, "download");
      if (!(failure instanceof BackendError) || !failure.retryable) throw failure;
      // Offline (a name that does not resolve, no route, nothing listening) before a single byte came: backing off
      // for half a minute would only delay the same answer. Once bytes flowed, a dropped link is retried.
      if (downloaded === 0 && isUnreachable(failure)) throw failure;
      // The bytes already hashed are on disk; anything after them is re-requested.
      failures = downloaded > before ? 1 : failures + 1;
      if (failures > retries) throw failure;
      const delay = Math.min(MAX_BACKOFF_MS, baseDelay * 2 ** (failures - 1));
      await sleep(delay * (0.75 + Math.random() * 0.5), signal);
    } finally {
      clearTimeout(idleTimer);
    }
  }
}
