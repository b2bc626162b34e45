/**
 * A local HTTP server (node:http, 127.0.0.1, port 0) that serves one generated file the way a model host does,
 * with faults on demand — the real network stack, no fetch mock. It speaks the parts of the Hugging Face Hub a
 * download touches: `/<owner>/<repo>/resolve/<rev>/<file>` answers 302 with `X-Linked-Etag` (the sha256) and
 * `X-Linked-Size`, pointing at a "CDN" (`/file/<name>`, optionally on a second server, i.e. another origin) whose
 * ETag is not a sha256, as on the real CDN; `/api/models/<owner>/<repo>/tree/<rev>` lists files with their LFS
 * sha256. `/file/<name>` honours `Range` and sends `ETag: "<sha256>"`.
 *
 * Faults are queued and each consumed by one file request: a status code, a connection dropped (or left open
 * and silent) after N body bytes, a corrupted byte, a Range request answered with the whole file.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "status"; status: number }
  | { kind: "drop"; after: number }
  | { kind: "stall"; after: number }
  | { kind: "corrupt" }
  | { kind: "ignore-range" };

export interface LoggedRequest {
  path: string;
  range: string | undefined;
  authorization: string | undefined;
  status: number;
  /** Body bytes this response sent (as written by the server). */
  sent: number;
}

export interface FileServerOptions {
  body: Buffer;
  /** Send the body in chunks of this size with this delay between them (to abort mid-body). */
  chunkSize?: number;
  chunkDelayMs?: number;
  /** Where `resolve/` redirects to (another FileServer's origin); default this server. */
  cdnOrigin?: () => string;
  /** When set, `resolve/` and `api/` answer 401 unless `Authorization: Bearer <token>` is sent. */
  token?: string;
  /** Files listed by the tree API (the served body under every name); when set, other names answer 404. */
  listed?: string[];
}

export interface FileServer {
  origin: string;
  sha256: string;
  log: LoggedRequest[];
  faults: Fault[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFileServer(options: FileServerOptions): Promise<FileServer> {
  const { body } = options;
  const sha256 = createHash("sha256").update(body).digest("hex");
  const log: LoggedRequest[] = [];
  const faults: Fault[] = [];
  const chunkSize = options.chunkSize ?? 64 * 1024;

  const record = (req: IncomingMessage, status: number, sent = 0): LoggedRequest => {
    const entry = {
      path: req.url ?? "",
      range: req.headers.range,
      authorization: req.headers.authorization,
      status,
      sent,
    };
    log.push(entry);
    return entry;
  };

  const serveFile = async (req: IncomingMessage, res: ServerResponse) => {
    const fault = faults.shift();
    if (fault?.kind === "status") {
      record(req, fault.status);
      res.writeHead(fault.status, { "content-type": "text/plain" }).end(`injected ${fault.status}`);
      return;
    }
    const data = fault?.kind === "corrupt" ? Buffer.from(body) : body;
    if (fault?.kind === "corrupt") data[data.length >> 1] = (data[data.length >> 1] ?? 0) ^ 0xff;
    const m = fault?.kind === "ignore-range" ? null : req.headers.range?.match(/^bytes=(\d+)-$/);
    const start = m ? Number(m[1]) : 0;
    // A CDN's ETag is its own; the sha256 travels on the Hub's redirect. Direct URLs carry it themselves.
    const etag = req.url?.includes("cdn=1") ? '"cdn-etag-not-a-sha"' : `"${sha256}"`;
    if (start >= data.length && m) {
      record(req, 416);
      res.writeHead(416, { "content-range": `bytes */${data.length}` }).end();
      return;
    }
    const headers: Record<string, string | number> = { etag, "content-length": data.length - start };
    if (m) headers["content-range"] = `bytes ${start}-${data.length - 1}/${data.length}`;
    const entry = record(req, m ? 206 : 200);
    res.writeHead(m ? 206 : 200, headers);
    const cut = fault?.kind === "drop" || fault?.kind === "stall";
    const limit = cut ? Math.min(data.length, start + fault.after) : data.length;
    for (let at = start; at < limit; at += chunkSize) {
      const chunk = data.subarray(at, Math.min(limit, at + chunkSize));
      if (res.destroyed) return;
      await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
      entry.sent += chunk.length;
      if (options.chunkDelayMs) await sleep(options.chunkDelayMs);
    }
    if (fault?.kind === "drop") res.socket?.destroy();
    else if (fault?.kind === "stall")
      return; // keep the connection open, silent, until the client gives up
    else res.end();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const parts = url.pathname.split("/").filter(Boolean);
    const authorized = options.token === undefined || req.headers.authorization === `Bearer ${options.token}`;
    if (parts[0] === "file") {
      serveFile(req, res).catch(() => res.destroy());
    } else if (parts[2] === "resolve" && parts.length >= 5) {
      if (!authorized) {
        record(req, 401);
        res.writeHead(401).end("Access to model is restricted");
        return;
      }
      const file = parts.slice(4).join("/");
      if (options.listed !== undefined && !options.listed.includes(file)) {
        record(req, 404);
        res.writeHead(404, { "x-error-code": "EntryNotFound" }).end("Entry not found");
        return;
      }
      record(req, 302);
      const cdn = options.cdnOrigin?.() ?? `http://${req.headers.host}`;
      res
        .writeHead(302, {
          location: `${cdn}/file/${file}?cdn=1`,
          "x-linked-etag": `"${sha256}"`,
          "x-linked-size": String(body.length),
          etag: '"git-sha1-of-pointer-0123456789abcdef01234567"',
        })
        .end();
    } else if (parts[0] === "api" && parts[1] === "models" && parts[4] === "tree") {
      if (!authorized) {
        record(req, 401);
        res.writeHead(401).end();
        return;
      }
      record(req, 200);
      const files = (options.listed ?? []).map((path) => ({
        type: "file",
        path,
        size: body.length,
        oid: "0123",
        lfs: { oid: sha256, size: body.length, pointerSize: 134 },
      }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(files));
    } else {
      record(req, 404);
      res.writeHead(404).end("Entry not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    sha256,
    log,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Deterministic pseudo-random bytes (xorshift), so a corrupted byte or a misplaced range changes the hash. */
export function generatedBody(size: number, seed = 7): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A URL on 127.0.0.1 where nothing listens (connection refused): a port just freed. */
export async function refusedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
