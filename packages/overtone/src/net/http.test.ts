import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BackendError } from "@overtone/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOk, httpJson, httpRequest, isUnreachable } from "./http.js";
import { resolveHost } from "./resolve-host.js";

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
    await expect(httpJson(`${origin}/bad-json`)).rejects.toThrow(/answered 200 with an HTML page, not JSON/);
  });
});

describe("name lookup before the request", () => {
  it("a DNS server that never answers fails within the lookup timeout as unreachable", async () => {
    const never = () => new Promise<never>(() => undefined);
    const error = await httpRequest("https://hangs.example/x", { lookup: never, lookupTimeoutMs: 20 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ network: "EAI_AGAIN" });
    expect(error.message).toMatch(/looking up hangs\.example got no answer/);
    expect(isUnreachable(error)).toBe(true);
  });

  it("a name that does not exist is ENOTFOUND from the system resolver, before fetch is called", async () => {
    let fetched = false;
    const error = await httpRequest("http://nonexistent.invalid/", {
      fetch: async () => {
        fetched = true;
        return new Response("");
      },
      lookup: (await import("node:dns/promises")).lookup,
    }).catch((e) => e);
    expect(error).toMatchObject({ name: "BackendError", network: "ENOTFOUND" });
    expect(error.message).toMatch(/cannot resolve nonexistent\.invalid/);
    expect(fetched).toBe(false);
  });

  it("with a proxy configured the name is left to the proxy (no lookup of our own)", async () => {
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = "http://127.0.0.1:9";
    try {
      // Node 20's fetch does not use the proxy itself, so the name fails inside fetch: not our "cannot resolve".
      const error = await httpRequest("http://proxied.nonexistent.invalid/").catch((e) => e);
      expect(error).toMatchObject({ name: "BackendError", network: "ENOTFOUND" });
      expect(error.message).not.toMatch(/cannot resolve/);
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });

  it("IP literals and localhost are not looked up; an abort during the lookup stays the caller's", async () => {
    const lookedUp: string[] = [];
    const record = async (host: string) => void lookedUp.push(host);
    await resolveHost("http://127.0.0.1:1/", record);
    await resolveHost("http://[::1]:1/", record);
    await resolveHost("http://localhost:1/", record);
    expect(lookedUp).toEqual([]);
    const controller = new AbortController();
    const reason = new Error("stop");
    setTimeout(() => controller.abort(reason), 10);
    const never = () => new Promise<never>(() => undefined);
    await expect(resolveHost("https://slow.example/", never, 10_000, controller.signal)).rejects.toBe(reason);
  });
});

describe("URLs fetch refuses", () => {
  it("a blocked port says the URL cannot be fetched and why, not just 'fetch failed'", async () => {
    const error = await httpRequest("http://127.0.0.1:6000/").catch((e) => e);
    expect(error).toMatchObject({ name: "BackendError", retryable: false });
    expect(error.message).toBe("http://127.0.0.1:6000/ is not a URL that can be fetched: bad port");
    expect(error.hint).toMatch(/another port/);
    expect(isUnreachable(error)).toBe(false);
  });
});
