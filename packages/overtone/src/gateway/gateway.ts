/**
 * The gateway as a node:http request handler (`createGateway(options).handle`), usable inside any Node server or
 * on its own (`overtone serve`, serve.ts). It finds the route, gives every reply an `x-request-id` (the client's
 * own when it sent one; gateway.md §8 rule 25), checks the API key and CORS origin, and writes an error in the
 * route's protocol: OpenAI `{"error":{message,type,param,code}}` or Ollama `{"error":"…"}` (rules 22, 26, 42). One
 * access-log entry per request, with the same id.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientGone, DEFAULT_BODY_LIMIT_BYTES, writeJson } from "./http-io.js";
import { DEFAULT_KEEP_ALIVE_MS } from "./keep-alive.js";
import { GatewayMetrics } from "./metrics.js";
import { type ModelTable, modelTable } from "./model-table.js";
import { GatewayError, type ServedModel } from "./protocol.js";
import { requestContext } from "./request-context.js";
import { findRoute, type Protocol } from "./routes.js";
import { StartGate } from "./start-gate.js";

export interface AccessLogEntry {
  time: string;
  request_id: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  [field: string]: unknown;
}

export interface GatewayOptions {
  models: readonly ServedModel[];
  /** Bearer keys any one of which a request must carry; none: no key needed. */
  apiKeys?: readonly string[];
  /** Origins allowed to call from a browser; none: no CORS headers (browsers refuse cross-origin calls). */
  corsOrigins?: readonly string[];
  bodyLimitBytes?: number;
  /**
   * A request still running after this long is cut (default: no limit): the generation is aborted and the reply
   * ends the protocol's way with a 504 `timeout` error — the HTTP status when nothing was sent yet, else the
   * stream's error frame.
   */
  requestTimeoutMs?: number;
  /** SSE streams get a `: keep-alive` comment after this long without a frame (default 15 s; 0: never). */
  keepAliveMs?: number;
  log?: (entry: AccessLogEntry) => void;
}

export interface Gateway {
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** The models served now. */
  readonly models: ModelTable;
  /** Serves these from the next request on (a config reload); requests already running finish on the old. */
  setModels(models: readonly ServedModel[]): void;
  readonly metrics: GatewayMetrics;
}

export function createGateway(options: GatewayOptions): Gateway {
  let models = modelTable(options.models);
  const metrics = new GatewayMetrics();
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const keys = new Set(options.apiKeys ?? []);
  const origins = new Set(options.corsOrigins ?? []);
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const gate = new StartGate();

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(request.url ?? "/", "http://gateway");
    const requestId = headerText(request.headers["x-request-id"]) ?? randomUUID();
    response.setHeader("x-request-id", requestId);
    const logged: Record<string, unknown> = {};
    const route = findRoute(request.method ?? "GET", url.pathname);
    let protocol: Protocol = route?.protocol ?? (url.pathname.startsWith("/api/") ? "ollama" : "openai");
    let deadline: NodeJS.Timeout | undefined;
    try {
      if (allowCors(request, response, origins)) return;
      if (route === undefined) throw notFound(request.method ?? "GET", url.pathname);
      protocol = route.protocol;
      if (keys.size > 0 && !route.open) checkKey(request, keys);
      const gone = clientGone(request, response).signal;
      let signal = gone;
      const limit = options.requestTimeoutMs;
      if (limit !== undefined) {
        const timeout = new AbortController();
        deadline = setTimeout(() => timeout.abort(timedOut(limit)), limit);
        signal = AbortSignal.any([gone, timeout.signal]);
      }
      // One table for the whole request, even if a reload swaps it meanwhile.
      const table = models;
      const deps = { models: table, metrics, bodyLimitBytes, keepAliveMs };
      // After the signals are wired, so a client that leaves while its request waits here still aborts it.
      await gate.turn();
      await route.handle(requestContext(request, response, requestId, { signal, gone }, deps, logged), {
        models: table,
        metrics,
      });
    } catch (error) {
      writeError(response, protocol, error);
    } finally {
      clearTimeout(deadline);
      const status = response.statusCode;
      metrics.countRequest(route?.name ?? "unknown", status);
      options.log?.({
        time: new Date().toISOString(),
        request_id: requestId,
        method: request.method ?? "GET",
        path: url.pathname,
        status,
        ms: Math.round(performance.now() - started),
        ...logged,
      });
    }
  }

  return {
    handle: (request, response) => void serve(request, response),
    get models() {
      return models;
    },
    setModels(next) {
      models = modelTable(next);
    },
    metrics,
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^[\w.:-]{1,128}$/.test(text) ? text : undefined;
}

function timedOut(limitMs: number): GatewayError {
  return new GatewayError(504, `the request took longer than the gateway's limit of ${limitMs / 1000} s`, {
    code: "timeout",
  });
}

function notFound(method: string, path: string): GatewayError {
  return new GatewayError(404, `no route for ${method} ${path}`, { code: "route_not_found" });
}

function checkKey(request: IncomingMessage, keys: ReadonlySet<string>): void {
  const header = headerText(request.headers.authorization) ?? request.headers.authorization ?? "";
  const key = /^Bearer\s+(.+)$/i.exec(String(header))?.[1]?.trim();
  if (key !== undefined && keys.has(key)) return;
  throw new GatewayError(
    401,
    key === undefined ? "missing API key: send Authorization: Bearer <key>" : "invalid API key",
    {
      code: "invalid_api_key",
    },
  );
}

/** CORS headers for an allowed origin; answers a preflight itself (returns true then). */
function allowCors(
  request: IncomingMessage,
  response: ServerResponse,
  origins: ReadonlySet<string>,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || !(origins.has(origin) || origins.has("*"))) return false;
  response.setHeader("access-control-allow-origin", origin);
  response.setHeader("vary", "Origin");
  response.setHeader("access-control-expose-headers", "x-request-id, retry-after");
  if (request.method !== "OPTIONS") return false;
  response.writeHead(204, {
    "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
    "access-control-allow-headers":
      request.headers["access-control-request-headers"] ?? "authorization, content-type",
    "access-control-max-age": "600",
  });
  response.end();
  return true;
}

/** An error in the protocol's shape; after the reply has started, the stream's own error frame was sent. */
export function writeError(response: ServerResponse, protocol: Protocol, error: unknown): void {
  if (response.headersSent) {
    if (!response.writableEnded) response.end();
    return;
  }
  const failure =
    error instanceof GatewayError
      ? error
      : new GatewayError(500, `internal error: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(failure.retryAfterSeconds);
    headers["retry-after-ms"] = String(failure.retryAfterSeconds * 1000);
  }
  if (failure.status >= 400 && failure.status < 500 && failure.status !== 408 && failure.status !== 429) {
    headers["x-should-retry"] = "false";
  }
  const body =
    protocol === "ollama"
      ? { error: failure.message }
      : { error: { message: failure.message, type: failure.type, param: failure.param, code: failure.code } };
  writeJson(response, failure.status, body, headers);
}
