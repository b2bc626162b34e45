/**
 * Errors an OpenAI-compatible server reports, as `BackendError`s that say what the server said and what to do.
 * The envelopes seen (reference/wire 023, 037, 038, 044): `{"error":{"message","type","code"}}` (vLLM,
 * llama-server), `{"error":"…"}`, and a bare `{"code":500,"message":"…"}` that LM Studio's engine passes on.
 * They arrive as an HTTP error status before the stream, or as a data event after it started (status 200).
 */
import { BackendError } from "@overtone/errors";
import { bodyHeadline, isHtmlBody, isRetryableStatus, readErrorBody } from "../../net/http.js";
import type { UpstreamResponse } from "../../net/http-stream.js";

/** Known gpt-oss failures: a pattern of the server's message and the advice for it. */
const KNOWN_FAILURES: { pattern: RegExp; hint: string; retryable: boolean }[] = [
  {
    pattern: /peg-native format/,
    hint: "llama.cpp could not parse the model's Harmony output (llama.cpp#27720, ~4% of turns at T=1); retry, or use route 'raw' so Overtone parses it",
    retryable: true,
  },
  {
    pattern:
      /Unexpected token \d+ while expecting|unexpected tokens remaining in message header|HarmonyError/i,
    hint: "vLLM's Harmony parser rejected the model's output (vllm#22519); retry, and run vLLM with --tool-call-parser openai --reasoning-parser openai_gptoss --enable-auto-tool-choice",
    retryable: true,
  },
  {
    pattern: /<\|channel\|> tags in the content|Cannot pass both content and thinking/,
    hint: "the gpt-oss template refused the history: reasoning must travel in the reasoning field, not in content (llama.cpp#17040)",
    retryable: false,
  },
];

function messageOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.message === "string") return record.message;
  if ("error" in record) return messageOf(record.error);
  return undefined;
}

function codeOf(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.code === "number") return record.code;
  if (typeof record.code === "string" && /^\d{3}$/.test(record.code)) return Number(record.code);
  if ("error" in record) return codeOf(record.error);
  return undefined;
}

/** True for a stream event that is an error report rather than data (`{"error":…}` or LM Studio's bare object). */
export function isErrorEvent(value: Record<string, unknown>): boolean {
  if ("error" in value && value.error !== null && value.error !== undefined) return true;
  return !("choices" in value) && typeof value.message === "string" && typeof value.code === "number";
}

function known(message: string) {
  return KNOWN_FAILURES.find((f) => f.pattern.test(message));
}

/** An error the server reported inside a stream that had started with status 200. */
export function streamError(value: unknown, url: string, raw: string): BackendError {
  const message = messageOf(value) ?? raw;
  const code = codeOf(value);
  const failure = known(message);
  return new BackendError(`${url} failed mid-stream: ${message}`, {
    url,
    ...(code !== undefined ? { status: code } : {}),
    body: raw,
    retryable: failure?.retryable ?? (code === undefined || isRetryableStatus(code)),
    ...(failure !== undefined ? { hint: failure.hint } : {}),
  });
}

/** A non-2xx answer: status, the server's own message, its body, and advice when the failure is a known one. */
export async function statusError(
  response: Pick<UpstreamResponse, "status" | "statusText" | "text">,
  url: string,
): Promise<BackendError> {
  const body = await readErrorBody(response);
  let parsed: unknown;
  try {
    parsed = body === undefined ? undefined : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const message = messageOf(parsed) ?? bodyHeadline(body) ?? response.statusText;
  const failure = known(message);
  return new BackendError(`${url} answered ${response.status}: ${message}`, {
    url,
    status: response.status,
    ...(body !== undefined ? { body } : {}),
    retryable: failure?.retryable ?? isRetryableStatus(response.status),
    ...(failure !== undefined
      ? { hint: failure.hint }
      : isHtmlBody(body)
        ? { hint: "this server answered with a web page, not an OpenAI-compatible API: check the base URL" }
        : response.status === 404
          ? { hint: "check the base URL and the model name (listModels shows what the server has)" }
          : {}),
  });
}
