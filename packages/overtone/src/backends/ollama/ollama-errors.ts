/**
 * Ollama's failures as `BackendError`s that say what happened and what to do. Ollama reports an error in two
 * ways (reference/wire 008–011): before streaming, a real status with `{"error":"…"}`; after streaming started,
 * one NDJSON line `{"error":"…"}` and the end of the stream, status still 200. Versions 0.11.3/0.11.4 wrote the
 * tool-call parse failure under the key `"error parsing tool call"` instead (ollama#11781, fixture 008), so any
 * key that starts with "error" counts.
 *
 * `error parsing tool call` means the model wrote tool-call arguments that are not JSON. At gpt-oss's T=1 a
 * second try usually succeeds (backends.md §8.6), so it is retryable whatever the status.
 */
import { BackendError } from "@overtone/errors";
import { bodyHeadline, isHtmlBody, isRetryableStatus, readErrorBody } from "../../net/http.js";
import type { UpstreamResponse } from "../../net/http-stream.js";

const TOOL_PARSE = "error parsing tool call";

/** The error a stream line carries, or undefined for an ordinary line. */
export function errorFromLine(line: Record<string, unknown>, url: string): BackendError | undefined {
  let text: string | undefined;
  if (typeof line.error === "string") text = line.error;
  else {
    const key = Object.keys(line).find((k) => k.toLowerCase().startsWith("error"));
    if (key !== undefined) text = `${key}: ${String(line[key])}`;
  }
  if (text === undefined) return undefined;
  return new BackendError(`Ollama failed during generation: ${text}`, {
    url,
    status: 200,
    body: JSON.stringify(line),
    // The server failed while running the model (it had accepted the request): another try may well succeed.
    retryable: true,
    hint: hintFor(text, undefined),
  });
}

/** A non-2xx answer as a `BackendError` (the body is consumed). */
export async function errorFromResponse(
  response: Pick<UpstreamResponse, "status" | "statusText" | "text">,
  url: string,
  model?: string,
): Promise<BackendError> {
  return statusError(response.status, response.statusText, await readErrorBody(response), url, model);
}

/** A non-2xx status and its body (Ollama's `{"error":"…"}`) as a `BackendError` with Ollama's own words. */
export function statusError(
  status: number,
  statusText: string,
  body: string | undefined,
  url: string,
  model?: string,
  cause?: unknown,
): BackendError {
  const text = errorText(body) ?? (`${status} ${statusText}`.trim() || "no error text");
  const html = isHtmlBody(body);
  // A web page is some other server's answer: naming it "Ollama" would send the user looking in the wrong place.
  const said = html
    ? `${url} answered ${status} with ${text}, not Ollama's JSON`
    : `Ollama answered ${status}: ${text}`;
  return new BackendError(said, {
    url,
    status,
    ...(body !== undefined ? { body } : {}),
    retryable: text.startsWith(TOOL_PARSE) || isRetryableStatus(status),
    hint: html
      ? "the URL does not point at Ollama; it listens on http://127.0.0.1:11434 by default"
      : hintFor(text, status, model),
    cause,
  });
}

/** The `error` text of a body; also from a body cut short (a published 500 ends inside the string, 009). */
export function errorText(body: string | undefined): string | undefined {
  if (body === undefined || body.trim() === "") return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === "string") return error;
      if (typeof error === "object" && error !== null && "message" in error) {
        return String((error as { message: unknown }).message);
      }
    }
  } catch {
    const cut = /^\s*\{\s*"error"\s*:\s*"((?:[^"\\]|\\.)*)/.exec(body);
    if (cut?.[1] !== undefined) return cut[1].replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
  }
  // Not Ollama's JSON (a proxy's or another server's page): its title or first line, never the page itself.
  return bodyHeadline(body);
}

function hintFor(text: string, status: number | undefined, model?: string): string {
  if (text.startsWith(TOOL_PARSE)) {
    return "gpt-oss wrote tool-call arguments that are not JSON; retry the turn (a lower temperature makes it rarer)";
  }
  if (status === 404 || /model .*not found|pull/i.test(text)) {
    return model !== undefined
      ? `pull the model first: ollama pull ${model}`
      : "pull the model first (ollama pull)";
  }
  if (/invalid think value/i.test(text)) return "this Ollama is too old for think levels; upgrade Ollama";
  if (/context|num_ctx/i.test(text))
    return "raise num_ctx (createOllama({ numCtx })) or shorten the conversation";
  if (status === undefined || status >= 500) return "see the Ollama server log (ollama serve) for the cause";
  return "check the request: model name, options and message shapes";
}
