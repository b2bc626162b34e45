/**
 * `createAssist`: the assistant service of field report 004 as a node:http request handler — status, diagnose,
 * brainstorm, judge and safe execute, as JSON over HTTP. `overtone assist serve` puts it on a port; tests and
 * apps can mount `handle` in their own server. Errors are JSON `{error: {status, message, field?, hint?}}`:
 * 400 for a bad body (naming the field), 404/405 for a wrong route, 413 for a body over the limit, 502 when the
 * model failed or gave no answer, 500 for anything else. A refused command is not an error: it is the answer
 * `{executed: false, reason}`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename } from "node:path";
import { InputError, isOvertoneError } from "@overtone/errors";
import type { Backend } from "../backends/contract.js";
import { brainstormInput, diagnoseInput, executeInput, judgeInput } from "./assist-input.js";
import { type AssistModel, type Generation, oneAtATime } from "./assist-model.js";
import { type AssistTask, brainstorm, diagnose, judge, type TaskContext } from "./assist-tasks.js";
import { ALLOWLIST } from "./command-allowlist.js";
import { type SafeExecuteOptions, safeExecute } from "./safe-execute.js";

export interface AssistOptions {
  backend: Backend;
  /** The model's name as /api/status shows it (default: the server's model name, or the model file's name). */
  modelName?: string;
  /** How to generate: model name for a server, effort, budget, sampling, route (assist-model.ts). */
  generation?: Omit<AssistModel, "backend">;
  execute?: SafeExecuteOptions;
  /** Whether the model is loaded (status `ready`); true when not given. */
  ready?: () => boolean;
  /** Each generation, reasoning included: for logs and tests, never for clients. */
  observe?: (task: AssistTask, generation: Generation) => void;
  /** One entry per request (method, path, status, milliseconds). */
  log?: (entry: Record<string, unknown>) => void;
  bodyLimitBytes?: number;
}

export interface AssistService {
  handle(request: IncomingMessage, response: ServerResponse): void;
}

/** Far above any request these routes take; far below what would hurt. */
export const DEFAULT_ASSIST_BODY_LIMIT = 64 * 1024;

type Handler = (body: unknown, signal: AbortSignal) => Promise<unknown>;

/**
 * A route-level outcome (404, 405, 413) rather than an Overtone error: it is answered here and never leaves this
 * module. Everything a caller can get wrong in a body is an InputError (400, naming the field).
 */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function createAssist(options: AssistOptions): AssistService {
  const started = performance.now();
  const queue = oneAtATime();
  const context = (signal: AbortSignal): TaskContext => ({
    model: { backend: options.backend, ...options.generation },
    signal,
    queue,
    ...(options.observe !== undefined ? { observe: options.observe } : {}),
  });
  const routes: Record<string, Record<string, Handler>> = {
    "/api/status": {
      GET: async () => ({
        model: options.modelName ?? options.generation?.model ?? basename(options.backend.location, ".gguf"),
        backend: options.backend.kind,
        location: options.backend.location,
        ready: options.ready?.() ?? true,
        uptime: Math.round((performance.now() - started) / 100) / 10,
        safeExecute: { enabled: true, commands: Object.keys(ALLOWLIST) },
      }),
    },
    "/api/diagnose": { POST: (body, signal) => diagnose(context(signal), diagnoseInput(body)) },
    "/api/ideas/brainstorm": { POST: (body, signal) => brainstorm(context(signal), brainstormInput(body)) },
    "/api/ideas/judge": { POST: (body, signal) => judge(context(signal), judgeInput(body)) },
    "/api/execute": { POST: (body) => safeExecute(executeInput(body).command, options.execute) },
  };
  const limit = options.bodyLimitBytes ?? DEFAULT_ASSIST_BODY_LIMIT;

  async function respond(
    request: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
  ): Promise<number> {
    try {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      const methods = routes[path];
      if (methods === undefined)
        throw new HttpError(404, `no route ${path}; the routes are ${Object.keys(routes).join(", ")}`);
      const handler = methods[request.method ?? "GET"];
      if (handler === undefined) {
        const allowed = Object.keys(methods).join(", ");
        throw new HttpError(405, `${path} takes ${allowed}, not ${request.method}`, { allow: allowed });
      }
      const body = request.method === "POST" ? await readJson(request, limit) : undefined;
      return writeJson(response, 200, await handler(body, signal));
    } catch (error) {
      if (signal.aborted) return 499; // the client is gone: nobody to answer
      return writeJson(response, ...errorReply(error));
    }
  }

  return {
    handle(request, response) {
      const begun = performance.now();
      const controller = new AbortController();
      // The client hung up before its answer: stop generating for it.
      response.on("close", () => {
        if (!response.writableFinished) controller.abort();
      });
      void respond(request, response, controller.signal).then((status) =>
        options.log?.({
          event: "request",
          method: request.method,
          path: request.url,
          status,
          ms: Math.round(performance.now() - begun),
        }),
      );
    },
  };
}

async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `the request body is larger than the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "")
    throw new InputError("the request body is empty: send a JSON object", { where: "body" });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`the request body is not valid JSON: ${(error as Error).message}`, {
      where: "body",
    });
  }
}

/** The status and JSON body an error becomes. */
function errorReply(error: unknown): [number, unknown, Record<string, string>?] {
  if (error instanceof HttpError) {
    const { allow, ...extra } = error.extra;
    const reply = { error: { status: error.status, message: error.message, ...extra } };
    return [error.status, reply, typeof allow === "string" ? { allow } : {}];
  }
  if (isOvertoneError(error)) {
    const status = error.code === "INPUT" ? 400 : error.code === "BACKEND" ? 502 : 500;
    const field = error instanceof InputError ? { field: error.where } : {};
    const hint = error.hint !== undefined ? { hint: error.hint } : {};
    return [status, { error: { status, message: error.message, ...field, ...hint } }];
  }
  return [
    500,
    { error: { status: 500, message: `internal error: ${(error as Error)?.message ?? String(error)}` } },
  ];
}

function writeJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): number {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
  return status;
}
