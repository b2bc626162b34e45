/**
 * downloadFile against a real local HTTP server: full download, resume after a dropped connection, retries,
 * checksum failures, abort and resume, redirects, progress.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BackendError } from "@overtone/errors";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadFile } from "../../../packages/overtone/src/engine/models/download.js";
import type { DownloadProgress } from "../../../packages/overtone/src/engine/models/index.js";
import { type FileServer, generatedBody, startFileServer } from "./file-server.js";

const SIZE = 1_500_000;
const body = generatedBody(SIZE);
let server: FileServer;
let slow: FileServer;
let dir: string;

beforeAll(async () => {
  server = await startFileServer({ body });
  // 100 chunks of 15 kB, 5 ms apart: about half a second, long enough to abort in the middle.
  slow = await startFileServer({ body, chunkSize: 15_000, chunkDelayMs: 5 });
});
afterAll(async () => {
  await server.close();
  await slow.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-download-"));
  server.log.length = 0;
  server.faults.length = 0;
  slow.log.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const fast = { retryDelayMs: 5 };

describe("downloadFile", () => {
  it("downloads the whole file, verifies the server's sha256 and renames it into place", async () => {
    const dest = join(dir, "model.gguf");
    const result = await downloadFile({ url: `${server.origin}/file/model.gguf`, dest, ...fast });
    expect(result).toMatchObject({ path: dest, sizeBytes: SIZE, sha256: server.sha256, verified: true });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(existsSync(`${dest}.part.json`)).toBe(false);
    expect(server.log.map((r) => r.range)).toEqual([undefined]);
  });

  it("resumes with Range after the connection drops mid-body, without fetching bytes twice", async () => {
    server.faults.push({ kind: "drop", after: 600_000 });
    const dest = join(dir, "model.gguf");
    const result = await downloadFile({ url: `${server.origin}/file/model.gguf`, dest, ...fast });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(server.log).toHaveLength(2);
    const [first, second] = server.log;
    expect(first?.range).toBeUndefined();
    const resumedAt = Number(second?.range?.match(/^bytes=(\d+)-$/)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(600_000);
    expect(second?.status).toBe(206);
    expect(second?.sent).toBe(SIZE - resumedAt);
    expect(result.downloadedBytes).toBe(SIZE);
  });

  it("drops a body that stalls and resumes it", async () => {
    server.faults.push({ kind: "stall", after: 500_000 });
    const dest = join(dir, "model.gguf");
    const url = `${server.origin}/file/model.gguf`;
    const result = await downloadFile({ url, dest, idleTimeoutMs: 300, ...fast });
    expect(server.log).toHaveLength(2);
    expect(server.log[1]?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(result.downloadedBytes).toBe(SIZE);
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it("retries a 500 and then succeeds", async () => {
    server.faults.push({ kind: "status", status: 500 }, { kind: "status", status: 503 });
    const dest = join(dir, "model.gguf");
    await downloadFile({ url: `${server.origin}/file/model.gguf`, dest, ...fast });
    expect(server.log.map((r) => r.status)).toEqual([500, 503, 200]);
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it("gives up after the retry budget with a retryable BackendError", async () => {
    for (let i = 0; i < 3; i++) server.faults.push({ kind: "status", status: 502 });
    const dest = join(dir, "model.gguf");
    const failure = downloadFile({
      url: `${server.origin}/file/model.gguf`,
      dest,
      retries: 2,
      retryDelayMs: 1,
    });
    await expect(failure).rejects.toMatchObject({ name: "BackendError", status: 502, retryable: true });
    expect(server.log).toHaveLength(3);
  });

  it("fails at once, without backing off and retrying, when the host cannot be reached before any byte", async () => {
    let calls = 0;
    const offline: typeof fetch = async () => {
      calls++;
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("getaddrinfo ENOTFOUND hf.invalid"), { code: "ENOTFOUND" }),
      });
    };
    const dest = join(dir, "model.gguf");
    const failure = downloadFile({ url: "https://hf.invalid/model.gguf", dest, fetch: offline, retries: 5 });
    await expect(failure).rejects.toMatchObject({ name: "BackendError", network: "ENOTFOUND" });
    expect(calls).toBe(1);
  });

  it("deletes the part file and fails when the sha256 does not match", async () => {
    server.faults.push({ kind: "corrupt" });
    const dest = join(dir, "model.gguf");
    const error = await downloadFile({ url: `${server.origin}/file/model.gguf`, dest, ...fast }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toMatch(/checksum mismatch/);
    expect(error.message).toContain(server.sha256);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(existsSync(`${dest}.part.json`)).toBe(false);
  });

  it("checks a caller-given sha256 over the server's", async () => {
    const dest = join(dir, "model.gguf");
    const wrong = "0".repeat(64);
    const failure = downloadFile({ url: `${server.origin}/file/model.gguf`, dest, sha256: wrong, ...fast });
    await expect(failure).rejects.toThrow(/expected 0{64}/);
    expect(existsSync(dest)).toBe(false);
  });

  it("stops on abort, keeps a resumable part, and a later call fetches only the rest", async () => {
    const dest = join(dir, "model.gguf");
    const url = `${slow.origin}/file/model.gguf`;
    const controller = new AbortController();
    const onProgress = (p: DownloadProgress) => {
      if (p.bytes >= 300_000) controller.abort();
    };
    const aborted = downloadFile({ url, dest, onProgress, signal: controller.signal, ...fast });
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    const kept = (await stat(`${dest}.part`)).size;
    expect(kept).toBeGreaterThanOrEqual(300_000);
    expect(kept).toBeLessThan(SIZE);
    expect(existsSync(`${dest}.part.json`)).toBe(true);
    expect(existsSync(dest)).toBe(false);

    const result = await downloadFile({ url, dest, ...fast });
    expect(slow.log.at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(result.downloadedBytes).toBe(SIZE - kept);
    expect(result.verified).toBe(true);
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it("starts over when the server ignores Range", async () => {
    server.faults.push({ kind: "drop", after: 400_000 }, { kind: "ignore-range" });
    const dest = join(dir, "model.gguf");
    await downloadFile({ url: `${server.origin}/file/model.gguf`, dest, ...fast });
    expect(server.log.map((r) => r.status)).toEqual([200, 200]);
    expect(server.log[1]?.range).toMatch(/^bytes=\d+-$/);
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it("follows a Hub-style redirect and takes the sha256 from X-Linked-Etag", async () => {
    const dest = join(dir, "model.gguf");
    server.faults.push({ kind: "corrupt" });
    // The CDN's own ETag is not a sha256, so only the redirect's X-Linked-Etag can catch the corruption.
    const url = `${server.origin}/owner/repo/resolve/main/model.gguf`;
    await expect(downloadFile({ url, dest, ...fast })).rejects.toThrow(/checksum mismatch/);
    const result = await downloadFile({ url, dest, ...fast });
    expect(result.verified).toBe(true);
    expect(server.log.map((r) => r.status)).toEqual([302, 200, 302, 200]);
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it("reports monotonic progress ending at the total", async () => {
    const events: DownloadProgress[] = [];
    const dest = join(dir, "model.gguf");
    await downloadFile({
      url: `${slow.origin}/file/model.gguf`,
      dest,
      onProgress: (p) => events.push(p),
      ...fast,
    });
    expect(events.length).toBeGreaterThan(1);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.bytes).toBeGreaterThanOrEqual(events[i - 1]?.bytes ?? 0);
    }
    expect(events.every((e) => e.phase === "download" && e.total === SIZE)).toBe(true);
    const last = events.at(-1);
    expect(last).toMatchObject({ bytes: SIZE, total: SIZE, done: true, etaSeconds: 0 });
    expect(last?.rate).toBeGreaterThan(0);
    expect(events.filter((e) => e.done)).toHaveLength(1);
  });

  it("refuses to share a file with a live downloader, and takes over a dead one's lock", async () => {
    const dest = join(dir, "model.gguf");
    const url = `${server.origin}/file/model.gguf`;
    await writeFile(`${dest}.lock`, String(process.ppid));
    await expect(downloadFile({ url, dest, ...fast })).rejects.toThrow(
      `already being downloaded by another process (pid ${process.ppid})`,
    );
    expect(server.log).toHaveLength(0);
    const child = spawnSync(process.execPath, ["-e", ""]);
    await writeFile(`${dest}.lock`, String(child.pid));
    await downloadFile({ url, dest, ...fast });
    expect(existsSync(`${dest}.lock`)).toBe(false);
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it("turns 404 into a non-retryable BackendError with the status", async () => {
    const dest = join(dir, "model.gguf");
    const failure = downloadFile({ url: `${server.origin}/missing/model.gguf`, dest, ...fast });
    await expect(failure).rejects.toMatchObject({ name: "BackendError", status: 404, retryable: false });
    expect(server.log).toHaveLength(1);
  });
});
