/**
 * A real HTTP server (node:http, 127.0.0.1, port 0) that stands in for servers that cannot run here (Ollama,
 * vLLM, LM Studio) by replaying recorded exchanges: the recorded status, headers and body, written chunk by
 * chunk (one NDJSON line or one SSE event at a time) with a small delay, so a client really streams.
 *
 * Each queued route answers one request, in order, for its method and path. What the client sent is kept
 * (`requests`), an `expect` check can reject a request body, and anything unexpected (no route left, a failed
 * check) is answered with a 599 and listed in `problems` — tests assert that list is empty, so a client that
 * sends the wrong thing fails even when it would have coped with the answer. `hold` keeps the connection open
 * after the last chunk, as a slow model would, and `requests[i].closedEarly` tells whether the client hung up
 * before the answer was complete (how abort is checked).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bodyChunks, type RecordedExchange } from "./wire-fixture.js";

export interface ReplayResponse {
  status: number;
  headers?: Record<string, string>;
  chunks: readonly string[];
  /** Pause before each chunk (ms); default 2. */
  delayMs?: number;
  /** Keep the connection open after the last chunk until the client closes it. */
  hold?: boolean;
}

export interface ReplayRoute {
  method?: string;
  path: string;
  response: ReplayResponse;
  /** Throw (or return a message) when the request body is not what the recording expects. */
  expect?: (body: unknown, raw: string) => undefined | string;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  /** True when the client closed the connection before the whole answer was written. */
  closedEarly: boolean;
  /** Chunks written before the answer ended or the client went away. */
  chunksWritten: number;
}

export interface ReplayServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly problems: string[];
  /** Queue more routes (answered after the ones already queued). */
  add(...routes: ReplayRoute[]): void;
  /** Resolves once the request at `index` is finished (answer complete, or the client gone). */
  settled(index: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/** A route answering with what a recorded exchange's response(s) carried. */
export function routeFromExchange(
  exchange: RecordedExchange,
  options: Partial<Omit<ReplayRoute, "response">> & Partial<ReplayResponse> = {},
): ReplayRoute {
  const first = exchange.responses[0];
  if (first === undefined) throw new Error("recorded exchange has no response");
  const status = options.status ?? first.status;
  if (status === undefined) throw new Error(`recorded response has no status (${first.note}); pass one`);
  const path = options.path ?? exchange.request?.path;
  if (path === undefined) throw new Error("recorded exchange has no request path; pass one");
  const chunks = options.chunks ?? exchange.responses.flatMap((r) => bodyChunks(r.body));
  return {
    method: options.method ?? exchange.request?.method ?? "POST",
    path,
    ...(options.expect !== undefined ? { expect: options.expect } : {}),
    response: {
      status,
      headers: options.headers ?? first.headers,
      chunks,
      ...(options.delayMs !== undefined ? { delayMs: options.delayMs } : {}),
      ...(options.hold !== undefined ? { hold: options.hold } : {}),
    },
  };
}

export async function startReplayServer(routes: readonly ReplayRoute[] = []): Promise<ReplayServer> {
  const queue = [...routes];
  const requests: ReceivedRequest[] = [];
  const problems: string[] = [];
  const done: Promise<ReceivedRequest>[] = [];
  const sockets = new Set<import("node:net").Socket>();

  const server = createServer((req, res) => {
    let finished!: (r: ReceivedRequest) => void;
    done.push(new Promise((resolve) => (finished = resolve)));
    void handle(req, res).then(finished, (error: unknown) => {
      problems.push(`replay server failed: ${String(error)}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<ReceivedRequest> {
    const raw = await readBody(req);
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const received: ReceivedRequest = {
      method,
      path,
      headers: req.headers,
      raw,
      json: parseJson(raw),
      closedEarly: false,
      chunksWritten: 0,
    };
    requests.push(received);
    const index = queue.findIndex((r) => (r.method ?? "POST") === method && r.path === path);
    const route = index < 0 ? undefined : queue.splice(index, 1)[0];
    if (route === undefined) return refuse(res, received, `no recorded exchange left for ${method} ${path}`);
    let mismatch: string | undefined;
    try {
      mismatch = route.expect?.(received.json, raw);
    } catch (error) {
      mismatch = error instanceof Error ? error.message : String(error);
    }
    if (mismatch !== undefined) return refuse(res, received, `${method} ${path}: ${mismatch}`);
    return replay(res, received, route.response);
  }

  function refuse(res: ServerResponse, received: ReceivedRequest, problem: string): ReceivedRequest {
    problems.push(problem);
    res.writeHead(599, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: `replay: ${problem}` }));
    return received;
  }

  async function replay(
    res: ServerResponse,
    received: ReceivedRequest,
    response: ReplayResponse,
  ): Promise<ReceivedRequest> {
    let complete = false;
    const gone = new Promise<void>((resolve) =>
      res.on("close", () => {
        if (!complete) received.closedEarly = true;
        resolve();
      }),
    );
    res.writeHead(response.status, response.headers ?? {});
    res.flushHeaders();
    for (const chunk of response.chunks) {
      await Promise.race([sleep(response.delayMs ?? 2), gone]);
      if (received.closedEarly || res.destroyed) return received;
      res.write(chunk);
      received.chunksWritten++;
    }
    if (response.hold) {
      await gone;
      return received;
    }
    complete = true;
    await new Promise<void>((resolve) => res.end(resolve));
    return received;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    problems,
    add: (...more) => queue.push(...more),
    settled: async (index) => {
      for (let i = 0; i < 500 && done[index] === undefined; i++) await sleep(5);
      const pending = done[index];
      if (pending === undefined) throw new Error(`request ${index} never arrived`);
      return pending;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
