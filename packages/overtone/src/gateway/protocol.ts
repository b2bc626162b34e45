/**
 * What every protocol of the gateway shares (OpenAI Chat Completions, OpenAI Responses, Ollama native): the model
 * a request is served by, the facts of one reply, the error a protocol turns into its own shape, and the two
 * shapes a protocol module produces: a whole body, or the framed text of a stream.
 *
 * A protocol module is pure translation: request JSON → `GenerateRequest`, `Part` stream → body or frames. The
 * HTTP server (server.ts) owns sockets, status codes, headers, limits and logging; the modules never see them.
 * A stream's frames always end the protocol's way, also after an error part (a mid-stream error frame, then the
 * end marker): the server writes them as they come and closes.
 */
import { BackendError } from "@overtone/errors";
import type { Backend, Effort } from "../backends/contract.js";

/** Where an OpenAI Chat Completions reply puts the reasoning: one field, never both (gateway.md §1.4). */
export type ReasoningField = "reasoning" | "reasoning_content";

/** A model as the gateway serves it: the public name clients use, and the backend behind it. */
export interface ServedModel {
  /** The name clients send and see (`toy`, `gpt-oss-20b`); never the backend's path or tag. */
  name: string;
  /** Other names that reach the same model (not listed; a request may use them). */
  aliases?: readonly string[];
  backend: Backend;
  /** What the backend was made from (a config reload keeps a backend whose key did not change). */
  upstreamKey?: string;
  /** The model name to pass to the backend (`GenerateRequest.model`); the backend's default when absent. */
  upstreamModel?: string;
  /** Default `reasoning`. */
  reasoningField: ReasoningField;
  /** Applied when the request does not say. */
  defaults: { effort?: Effort; temperature?: number; topP?: number; maxTokens?: number };
  /** When the gateway started serving it (`created`, `modified_at`). */
  since: Date;
  /** Facts for listings (`/api/tags`, `/api/show`), when known. */
  sizeBytes?: number;
  contextLength?: number;
}

/** The facts of one reply that every frame or body repeats. */
export interface ReplyMeta {
  /** The reply's id (`chatcmpl-…`, `resp_…`); unique per request. */
  id: string;
  /** Unix seconds at the start of the request. */
  created: number;
  /** The public model name, echoed back. */
  model: string;
}

/**
 * A request the gateway refuses or cannot serve, protocol-neutral: each protocol writes it in its own shape
 * (OpenAI `{"error":{message,type,param,code}}`, Ollama `{"error":"…"}`) with this status.
 */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly status: number;
  /** OpenAI `error.type`: `invalid_request_error`, `not_found_error`, `server_error`, … */
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  /** Sent as `retry-after` (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    message: string,
    options: {
      type?: string;
      code?: string;
      param?: string;
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.status = status;
    this.type = options.type ?? defaultType(status);
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

function defaultType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** A 400 for a request field that is missing or has the wrong type or value. */
export function badRequest(message: string, param?: string): GatewayError {
  return new GatewayError(400, message, { ...(param !== undefined ? { param } : {}) });
}

/**
 * A backend failure as a client is told it, before a reply or inside one: a GatewayError stays as it is; a
 * retryable BackendError (a busy or starting server) is a 503 with `retry-after: 1`; anything else is a 502
 * `upstream_error`. The message is the error's own; the error stays as the `cause` (for the log).
 */
export function upstreamError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const retryable = error instanceof BackendError && error.retryable;
  return new GatewayError(retryable ? 503 : 502, message, {
    type: "server_error",
    code: "upstream_error",
    ...(retryable ? { retryAfterSeconds: 1 } : {}),
    cause: error,
  });
}

/** A plain JSON object (not an array, not null), or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
