/**
 * What `/api/chat` and `/api/generate` share on the way back: reading NDJSON lines as objects, turning an
 * in-stream error line into a thrown `BackendError`, and the `done: true` line's counters as usage and timings
 * (Ollama's durations are nanoseconds; parts carry milliseconds).
 */
import { BackendError } from "@overtone/errors";
import type { FinishReason, Timings, Usage } from "@overtone/harmony";
import { errorFromLine } from "./ollama-errors.js";
import type { OllamaStreamLine } from "./wire.js";

/** Lines as objects; an error line is thrown; the stream must end with a `done: true` line. */
export async function* ollamaLines(
  lines: AsyncIterable<unknown>,
  url: string,
): AsyncGenerator<OllamaStreamLine, void, undefined> {
  for await (const value of lines) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new BackendError(`${url} sent a line that is not a JSON object: ${JSON.stringify(value)}`, {
        url,
        status: 200,
        retryable: false,
      });
    }
    const error = errorFromLine(value as Record<string, unknown>, url);
    if (error !== undefined) throw error;
    const line = value as OllamaStreamLine;
    yield line;
    if (line.done === true) return;
  }
  // Ollama always ends with `done: true` (or an error line): anything else is a connection cut short.
  throw new BackendError(`the stream from ${url} ended before its last line (no "done": true)`, {
    url,
    status: 200,
    retryable: true,
    hint: "the connection broke off or the Ollama server stopped; try again",
  });
}

/** `done_reason` → finish reason; `stop` becomes `tool-calls` when the turn ended with a tool call. */
export function finishReason(doneReason: string | undefined, endedWithToolCall: boolean): FinishReason {
  if (doneReason === "length") return "length";
  return endedWithToolCall ? "tool-calls" : "stop";
}

export function usageOf(line: OllamaStreamLine | undefined): Usage | undefined {
  if (line === undefined || typeof line.eval_count !== "number") return undefined;
  // Ollama leaves `prompt_eval_count` out when the whole prompt came from its cache.
  return { inputTokens: line.prompt_eval_count ?? 0, outputTokens: line.eval_count };
}

export function serverTimings(line: OllamaStreamLine | undefined): Timings {
  const timings: Timings = {};
  if (typeof line?.prompt_eval_duration === "number") timings.promptMs = line.prompt_eval_duration / 1e6;
  if (typeof line?.eval_duration === "number") timings.generationMs = line.eval_duration / 1e6;
  return timings;
}
