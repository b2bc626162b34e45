import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { BackendError } from "@overtone/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUnreachable } from "./http.js";
import { streamRequest, upstreamRequest } from "./http-stream.js";
import { fromFetchResponse } from "./upstream-response.js";

let server: Server;
let origin: string;
/** Per path, what the server does; `closed` resolves when the server sees that request's connection close. */
const closed = new Map<string, Promise<void>>();
const sockets = new WeakMap<Socket, number>();
let nextSocket = 0;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? "/";
  const socket = req.socket;
  if (!sockets.has(socket)) sockets.set(socket, nextSocket++);
  closed.set(
    path,
    once(res, "close").then(() => undefined),
  );
  res.setHeader("x-socket", String(sockets.get(socket)));
  if (path === "/silent") return; // never answers: for the header timeout
  if (path === "/echo") {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json", "x-method": req.method ?? "" });
      res.end(Buffer.concat(chunks));
    });
    return;
  }
  if (path === "/chunks") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    let n = 0;
    const tick = setInterval(() => {
      res.write(`data: ${n}\n\n`);
      if (++n === 3) {
        clearInterval(tick);
        res.end("data: [DONE]\n\n");
      }
    }, 5);
    return;
  }
  if (path === "/endless") {
    res.writeHead(200);
    const tick = setInterval(() => res.write("data: more\n\n"), 5);
    res.on("close", () => clearInterval(tick));
    return;
  }
  if (path === "/dies") {
    res.writeHead(200);
    res.write("data: first\n\n");
    setTimeout(() => socket.destroy(), 20);
    return;
  }
  if (path === "/missing") return void res.writeHead(404, "Not Found").end('{"error":"no such model"}');
  res.end("ok");
}

beforeAll(async () => {
  server = createServer(handle);
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

async function readAll(body: AsyncIterable<Uint8Array>): Promise<string[]> {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for await (const chunk of body) out.push(decoder.decode(chunk, { stream: true }));
  return out;
}

describe("streamRequest", () => {
  it("sends method, headers and body; answers status, headers and text", async () => {
    const response = await streamRequest(`${origin}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"hello":"wörld"}',
    });
    expect(response).toMatchObject({ status: 201, ok: true });
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("x-method")).toBe("POST");
    expect(response.headers.get("x-absent")).toBeNull();
    expect(await response.text()).toBe('{"hello":"wörld"}');
  });

  it("a non-2xx status is an answer, not an error", async () => {
    const response = await streamRequest(`${origin}/missing`);
    expect(response).toMatchObject({ status: 404, ok: false, statusText: "Not Found" });
    expect(await response.text()).toBe('{"error":"no such model"}');
  });

  it("streams the body chunk by chunk as the server writes it", async () => {
    const response = await streamRequest(`${origin}/chunks`);
    const chunks = await readAll(response.body);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.join("")).toBe("data: 0\n\ndata: 1\n\ndata: 2\n\ndata: [DONE]\n\n");
  });

  it("times out waiting for headers with a retryable BackendError, and closes the request", async () => {
    const error = await streamRequest(`${origin}/silent`, { timeoutMs: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ retryable: true, network: "ETIMEDOUT", status: undefined });
    await closed.get("/silent");
  });

  it("throws the caller's abort reason unchanged before the headers", async () => {
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    setTimeout(() => controller.abort(reason), 20);
    await expect(streamRequest(`${origin}/silent`, { signal: controller.signal })).rejects.toBe(reason);
    await closed.get("/silent");
    await expect(streamRequest(`${origin}/ok`, { signal: controller.signal })).rejects.toBe(reason);
  });

  it("an abort mid-stream ends the body with the reason and the server sees the connection close", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const response = await streamRequest(`${origin}/endless`, { signal: controller.signal });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const chunk of response.body) {
        seen.push(new TextDecoder().decode(chunk));
        if (seen.length === 2) controller.abort(reason);
      }
    })();
    await expect(reading).rejects.toBe(reason);
    await closed.get("/endless");
  });

  it("leaving the loop early closes the connection while the server is still sending", async () => {
    const response = await streamRequest(`${origin}/endless`);
    for await (const _ of response.body) break;
    await closed.get("/endless");
  });

  it("a server that dies mid-body makes the body throw a connection error, never hang", async () => {
    const response = await streamRequest(`${origin}/dies`);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of response.body) seen.push(new TextDecoder().decode(chunk));
    })().catch((e) => e);
    expect(seen).toEqual(["data: first\n\n"]);
    expect(error).toMatchObject({ code: "ECONNRESET" });
  });

  it("reuses the kept-alive connection for the next request, also after leaving at the protocol's end", async () => {
    const first = await streamRequest(`${origin}/chunks`);
    // A reader that stops at [DONE], as the backends do: the body's end may still be on its way.
    for await (const chunk of first.body) if (new TextDecoder().decode(chunk).includes("[DONE]")) break;
    const second = await streamRequest(`${origin}/echo`, { method: "POST", body: "x" });
    await second.text();
    const third = await streamRequest(`${origin}/ok`);
    await third.text();
    expect(second.headers.get("x-socket")).toBe(first.headers.get("x-socket"));
    expect(third.headers.get("x-socket")).toBe(first.headers.get("x-socket"));
  });

  it("reports a refused connection as an unreachable BackendError", async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const error = await streamRequest(`http://127.0.0.1:${port}/`).catch((e) => e);
    expect(error).toMatchObject({ name: "BackendError", network: "ECONNREFUSED", retryable: true });
    expect(isUnreachable(error)).toBe(true);
  });

  it("looks a name up first (an unknown one is ENOTFOUND), an IP literal not at all", async () => {
    const looked: string[] = [];
    const lookup = async (host: string) => {
      looked.push(host);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    };
    const error = await streamRequest("http://no-such-host.invalid/x", { lookup }).catch((e) => e);
    expect(error).toMatchObject({ name: "BackendError", network: "ENOTFOUND" });
    await (await streamRequest(`${origin}/ok`, { lookup })).text();
    expect(looked).toEqual(["no-such-host.invalid"]);
  });
});

describe("upstreamRequest", () => {
  it("goes through an injected fetch, with the same response shape", async () => {
    const calls: string[] = [];
    const injected = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response("data: hi\n\n", { status: 200, statusText: "OK" });
    }) as typeof fetch;
    const response = await upstreamRequest(`${origin}/whatever`, { fetch: injected });
    expect(calls).toEqual([`${origin}/whatever`]);
    expect(response).toMatchObject({ status: 200, ok: true });
    expect((await readAll(response.body)).join("")).toBe("data: hi\n\n");
  });

  it("fromFetchResponse reads text and cancels", async () => {
    const response = fromFetchResponse(new Response("whole", { status: 503 }));
    expect(response).toMatchObject({ status: 503, ok: false });
    expect(await response.text()).toBe("whole");
    fromFetchResponse(new Response("x")).cancel();
  });
});
