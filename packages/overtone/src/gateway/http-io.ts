/**
 * Reading a request body and writing replies on node:http, with the limits a server facing other programs needs:
 * a body size cap (checked while reading, so a huge body is refused without being held in memory), JSON that
 * must parse, and streams written with backpressure that stop as soon as the client goes away.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { GatewayError } from "./protocol.js";

/** Default request body limit: far above any chat request, far below what would hurt the server. */
export const DEFAULT_BODY_LIMIT_BYTES = 8 * 2 ** 20;

/** The request body as text, refused with 413 once it passes `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, `request body is larger than the gateway's limit of ${limit} bytes`, {
    code: "request_too_large",
  });
}

/** The body parsed as JSON; an empty or malformed body is a 400 that says where parsing failed. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw new GatewayError(400, "missing request body: send a JSON object");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GatewayError(400, `request body is not valid JSON: ${(error as Error).message}`, {
      code: "invalid_json",
    });
  }
}

export function writeJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export function writeText(response: ServerResponse, status: number, text: string, contentType: string): void {
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/**
 * Writes frames as they come, waiting for the socket to drain when its buffer is full. Returns false when the
 * client went away first (the caller aborts the upstream request then); the frames iterator is closed either way.
 * `written` is told of each frame written (the keep-alive timer's clock, keep-alive.ts).
 *
 * `gone` is the client leaving: nothing more can reach it, so writing stops. `deadline` (the request's time
 * running out, or the client leaving) does not stop the writing: the frames then end the protocol's way
 * (guarded-parts.ts), and those last few are written without waiting for a slow reader to drain the socket.
 */
export async function writeFrames(
  response: ServerResponse,
  frames: AsyncIterable<string>,
  gone: AbortSignal,
  deadline: AbortSignal = gone,
  written?: () => void,
): Promise<boolean> {
  for await (const frame of frames) {
    if (gone.aborted || response.destroyed) return false;
    const flowing = response.write(frame);
    written?.();
    if (!flowing && !deadline.aborted) {
      await drainOrAbort(response, deadline);
      if (gone.aborted || response.destroyed) return false;
    }
  }
  response.end();
  return true;
}

/** Resolves once the socket drained, `stop` fired or the response closed. */
function drainOrAbort(response: ServerResponse, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      stop.removeEventListener("abort", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
    stop.addEventListener("abort", done, { once: true });
  });
}

/** Aborts when the client closes the connection before the reply is complete. */
export function clientGone(request: IncomingMessage, response: ServerResponse): AbortController {
  const controller = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished)
      controller.abort(new GatewayError(499, "the client closed the connection"));
  });
  request.on("error", () => controller.abort());
  return controller;
}
