import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BackendError } from "@overtone/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOk, httpJson, httpRequest, isUnreachable } from "./http.js";

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/silent") return; // never answers: for the header timeout
    if (req.url === "/json") return void res.end('{"ok":true}');
    if (req.url === "/bad-json") return void res.end("<html>");
    const status = Number(req.url?.slice(1)) || 200;
    res.writeHead(status).end(`status ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

describe("httpRequest", () => {
  it("times out waiting for headers with a retryable BackendError", async () => {
    const error = await httpRequest(`${origin}/silent`, { timeoutMs: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ retryable: true, network: "ETIMEDOUT", status: undefined });
  });

  it("throws the caller's abort reason unchanged", async () => {
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    setTimeout(() => controller.abort(reason), 20);
    await expect(httpRequest(`${origin}/silent`, { signal: controller.signal })).rejects.toBe(reason);
  });

  it("reports a refused connection as unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await httpRequest(`http://127.0.0.1:${port}/`).catch((e) => e);
    expect(error).toMatchObject({ name: "BackendError", network: "ECONNREFUSED", retryable: true });
    expect(isUnreachable(error)).toBe(true);
  });

  it("ensureOk keeps status, body and whether a retry may help", async () => {
    const busy = await ensureOk(await httpRequest(`${origin}/503`), `${origin}/503`).catch((e) => e);
    expect(busy).toMatchObject({ status: 503, retryable: true, body: "status 503" });
    const missing = await ensureOk(await httpRequest(`${origin}/404`), `${origin}/404`).catch((e) => e);
    expect(missing).toMatchObject({ status: 404, retryable: false });
    expect(isUnreachable(missing)).toBe(false);
  });

  it("httpJson parses JSON and reports anything else", async () => {
    expect(await httpJson(`${origin}/json`)).toEqual({ ok: true });
    await expect(httpJson(`${origin}/bad-json`)).rejects.toThrow(/invalid JSON/);
  });
});
