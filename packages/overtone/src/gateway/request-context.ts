/**
 * One request as a route handler sees it: its body (size-capped JSON), the model it names, a generation opened
 * on that model's backend, and the reply written in the route's protocol. The route handlers (routes-*.ts) are
 * translation only; what every request needs — limits, the client-gone abort, metrics, the decision to answer
 * an upstream failure with an HTTP status while nothing has been sent yet — lives here.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Part } from "@overtone/harmony";
import type { GenerateRequest } from "../backends/contract.js";
import { parseJsonBody, readBody, writeFrames, writeJson } from "./http-io.js";
import type { GatewayMetrics } from "./metrics.js";
import { type ModelTable, requireModel } from "./model-table.js";
import { type ReplyMeta, type ServedModel, upstreamError } from "./protocol.js";

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
   * carries an error.
   */
  generate(model: ServedModel, request: GenerateRequest): Promise<AsyncIterable<Part>>;
  /** The id, time and model name every frame of the reply repeats. */
  meta(model: ServedModel, prefix: string): ReplyMeta;
  sendJson(status: number, body: unknown): void;
  /** Writes a stream reply; aborts the generation when the client leaves. */
  sendFrames(contentType: string, frames: AsyncIterable<string>): Promise<void>;
  /** Facts for the access log line (model, finish). */
  note(fields: Record<string, unknown>): void;
}

export interface ContextDeps {
  models: ModelTable;
  metrics: GatewayMetrics;
  bodyLimitBytes: number;
}

export function requestContext(
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  signal: AbortSignal,
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
    async generate(model, generateRequest) {
      logged.model = model.name;
      const parts = deps.metrics.observe(
        model.backend.stream({
          ...generateRequest,
          // The route's own signal (a stop sequence reached) and the client's both end the generation.
          signal:
            generateRequest.signal === undefined ? signal : AbortSignal.any([signal, generateRequest.signal]),
        }),
        model.name,
        model.backend.kind,
      );
      return opened(parts);
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
      response.flushHeaders();
      await writeFrames(response, frames, signal);
    },
    note: (fields) => Object.assign(logged, fields),
  };
}

/** The parts with their first one already read; an error as the first part becomes a GatewayError. */
async function opened(parts: AsyncGenerator<Part>): Promise<AsyncIterable<Part>> {
  const first = await parts.next();
  if (!first.done && first.value.type === "error") {
    await parts.return(undefined);
    throw upstreamError(first.value.error);
  }
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* parts;
  })();
}
