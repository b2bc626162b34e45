/**
 * `/api/chat` NDJSON → stream parts. Ollama has already parsed Harmony (backends.md §1.6): `message.thinking`
 * is the analysis channel, `message.content` the final answer (and commentary preambles, which Ollama does not
 * tell apart), and a tool call arrives whole on one line, arguments as an object. One line may carry all three
 * (a non-streamed answer does), in that order. The parts come from the shared WirePartsBuilder, so they look
 * like parts from our own Harmony parser; content that still holds Harmony markup (a model whose template
 * is not Harmony) is re-parsed there.
 *
 * The stream ends with `finish` (reason from `done_reason`, usage from the counters, server timings plus our
 * own time to first token and total), or `error` for an error line, a broken connection or a stream without
 * its last line; `finish: aborted` when the caller's signal fired.
 */
import type { Part } from "@overtone/harmony";
import { drain, WirePartsBuilder } from "../openai-compatible/wire-parts.js";
import { finishReason, ollamaLines, serverTimings, usageOf } from "./stream-lines.js";
import type { OllamaStreamLine } from "./wire.js";

export interface ChatPartsOptions {
  url: string;
  /** The caller's signal: when it fired, a failed read is an abort, not an error. */
  signal?: AbortSignal;
  clock?: () => number;
}

export async function* chatParts(
  lines: AsyncIterable<unknown>,
  options: ChatPartsOptions,
): AsyncGenerator<Part, void, undefined> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  let firstTokenMs: number | undefined;
  const queue: Part[] = [];
  const builder = new WirePartsBuilder((part) => queue.push(part));
  let last: OllamaStreamLine | undefined;
  let toolCalls = 0;
  let endedWithToolCall = false;
  const timings = () => ({
    ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
    totalMs: clock() - started,
  });
  try {
    for await (const line of ollamaLines(lines, options.url)) {
      last = line;
      const message = line.message ?? {};
      if (typeof message.thinking === "string" && message.thinking !== "") {
        firstTokenMs ??= clock() - started;
        builder.reasoning(message.thinking);
        endedWithToolCall = false;
      }
      if (typeof message.content === "string" && message.content !== "") {
        firstTokenMs ??= clock() - started;
        builder.content(message.content);
        endedWithToolCall = false;
      }
      for (const call of message.tool_calls ?? []) {
        firstTokenMs ??= clock() - started;
        // Our own index: Ollama numbers calls per line (`function.index` 0 each time), not per turn.
        builder.toolCall(toolCalls++, call.function.name, JSON.stringify(call.function.arguments ?? {}));
        endedWithToolCall = true;
      }
      for (const part of drain(queue)) yield part;
    }
    const usage = usageOf(last);
    builder.finish({
      reason: finishReason(last?.done_reason, endedWithToolCall),
      ...(usage !== undefined ? { usage } : {}),
      timings: { ...timings(), ...serverTimings(last) },
    });
  } catch (error) {
    if (options.signal?.aborted) {
      if (!builder.done) builder.abort({ timings: timings() });
    } else {
      builder.fail(error);
    }
  }
  for (const part of drain(queue)) yield part;
}
