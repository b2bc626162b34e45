/**
 * One request as a route handler sees it: its body (size-capped JSON), the model it names, a generation opened
 * on that model's backend, and the reply written in the route's protocol. The route handlers (routes-*.ts) are
 * translation only; what every request needs — limits, the client-gone abort, metrics, the decision to answer
 * an upstream failure with an HTTP status while nothing has been sent yet — lives here.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Part } from "@overtone/harmony";
import type { GenerateRequest } from "../backends/contract.js";
import { openParts } from "./guarded-parts.js";
import { parseJsonBody, readBody, writeFrames, writeJson } from "./http-io.js";
import { KEEP_ALIVE_COMMENT, keepAlive } from "./keep-alive.js";
import type { GatewayMetrics } from "./metrics.js";
import { type ModelTable, requireModel } from "./model-table.js";
import type { ReplyMeta, ServedModel } from "./protocol.js";
import { withStopSequences } from "./stop-sequences.js";
import { checkedAnswer } from "./structured-output.js";

export interface RequestContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  /** Fires when the client goes away or the request's time runs out: the upstream request is aborted. */
  readonly signal: AbortSignal;
  /** The parsed JSON body (413 past the limit, 400 when it is not JSON). */
  json(): Promise<unknown>;
  /** The served model a request names (404 in the protocol's shape when unknown). */
  model(name: string): ServedModel;
  /**
   * Starts a generation and waits for its first part: an upstream that fails before producing anything (not
   * reachable, model not loaded) is a GatewayError here, answered with an HTTP status, not a 200 stream that
   * carries an error. It waits one keep-alive interval at most (a long prefill then goes on inside the stream,
   * kept alive); the parts end with an `error` part the moment the request times out (guarded-parts.ts).
   * `stops` cut the answer at the first stop sequence and end the upstream generation there (stop-sequences.ts).
   */
  generate(
    model: ServedModel,
    request: GenerateRequest,
    stops?: readonly string[],
  ): Promise<AsyncIterable<Part>>;
  /** The id, time and model name every frame of the reply repeats. */
  meta(model: ServedModel, prefix: string): ReplyMeta;
  sendJson(status: number, body: unknown): void;
  /**
   * Writes a stream reply; aborts the generation when the client leaves. SSE replies (`text/event-stream`) get
   * a keep-alive comment after every keep-alive interval without a frame (keep-alive.ts).
   */
  sendFrames(contentType: string, frames: AsyncIterable<string>): Promise<void>;
  /**
   * Facts for the access log line (model, finish, the repairs made to the model's output, an answer that
   * fails its response format as `structured_output: "invalid: …"`).
   */
  note(fields: Record<string, unknown>): void;
}

export interface ContextDeps {
  models: ModelTable;
  metrics: GatewayMetrics;
  bodyLimitBytes: number;
  /** SSE keep-alive interval; 0: none. */
  keepAliveMs: number;
}

/** The request's two ends: `signal` fires when the client leaves or the time runs out, `gone` only for the first. */
export interface RequestSignals {
  signal: AbortSignal;
  gone: AbortSignal;
}

export function requestContext(
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  { signal, gone }: RequestSignals,
  deps: ContextDeps,
  logged: Record<string, unknown>,
): RequestContext {
  return {
    request,
    response,
    requestId,
    signal,
    json: async () => parseJsonBody(await readBody(request, deps.bodyLimitBytes)),
    model: (name) => requireModel(deps.models, name),
    async generate(model, generateRequest, stops = []) {
      logged.model = model.name;
      // A stop sequence reached, the route's own signal and the client's all end the generation.
      const stopped = stops.length > 0 ? new AbortController() : undefined;
      const ends = [signal, generateRequest.signal, stopped?.signal].filter((s) => s !== undefined);
      const made = model.backend.stream({
        ...generateRequest,
        ...sessionOf(request, generateRequest),
        signal: ends.length === 1 ? signal : AbortSignal.any(ends),
      });
      const watch = deps.metrics.watch(model.name, model.backend.kind, (fields) =>
        Object.assign(logged, fields),
      );
      const format = generateRequest.responseFormat;
      // A structured answer is checked once complete; a failure is counted and logged, the reply unchanged.
      const parts =
        format === undefined
          ? made
          : checkedAnswer(made, format, (problem) => {
              deps.metrics.countStructuredOutputInvalid(model.name);
              logged.structured_output = `invalid: ${problem}`;
            });
      const patience = deps.keepAliveMs > 0 ? deps.keepAliveMs : Number.POSITIVE_INFINITY;
      const opened = await openParts(parts[Symbol.asyncIterator](), signal, patience, watch);
      return stopped === undefined ? opened : withStopSequences(opened, stops, () => stopped.abort());
    },
    meta: (model, prefix) => ({
      id: `${prefix}${requestId.replace(/-/g, "").slice(0, 24)}`,
      created: Math.floor(Date.now() / 1000),
      model: model.name,
    }),
    sendJson: (status, body) => writeJson(response, status, body),
    async sendFrames(contentType, frames) {
      response.writeHead(200, {
        "content-type": contentType,
        "cache-control": "no-cache",
        // Proxies (nginx) must pass frames on as they come.
        "x-accel-buffering": "no",
      });
      // The headers go now, and in the same write as the first frames when those are ready in this tick: the
      // socket is corked until the next tick, as node:http does for each write (a write of their own was a
      // syscall, and a packet, per request).
      const socket = response.socket;
      socket?.cork();
      response.flushHeaders();
      if (socket !== null) process.nextTick(() => socket.uncork());
      const sse = contentType.startsWith("text/event-stream");
      const alive =
        sse && deps.keepAliveMs > 0
          ? keepAlive(() => {
              if (!response.writableEnded && !response.destroyed) response.write(KEEP_ALIVE_COMMENT);
            }, deps.keepAliveMs)
          : undefined;
      try {
        // Only the client leaving stops the writing: a timeout ends the frames the protocol's way (guarded-parts.ts).
        await writeFrames(response, frames, gone, signal, alive?.sent);
      } finally {
        alive?.stop();
      }
    },
    note: (fields) => Object.assign(logged, fields),
  };
}

/**
 * The request's session key (GenerateRequest.sessionKey): the route's own (`prompt_cache_key`), else Open WebUI's
 * chat id header, which it sends on both APIs when asked to (gateway.md §7.3).
 */
function sessionOf(request: IncomingMessage, generateRequest: GenerateRequest): { sessionKey?: string } {
  const header = request.headers["x-openwebui-chat-id"];
  const key = generateRequest.sessionKey ?? (Array.isArray(header) ? header[0] : header);
  return key !== undefined && key !== "" ? { sessionKey: key } : {};
}
