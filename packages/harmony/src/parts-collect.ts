/**
 * Consuming parts streams: `throwOnError` (the default consumer: an `error` part becomes a thrown error) and
 * `collectParts` (a whole stream into one result, for tests, the CLI and non-streaming callers).
 */
import type { FinishPart, Part } from "./parts.js";
import type { Message } from "./types.js";

export interface CollectedToolCall {
  id: string;
  recipient: string;
  channel?: string;
  contentType?: string;
  /** The arguments text as the model wrote it (not parsed: it may not be JSON). */
  arguments: string;
}

export interface CollectedParts {
  /** The text of the analysis messages, joined with "\n". */
  analysis: string;
  /** The text of the commentary messages without a recipient (preambles), joined with "\n". */
  commentary: string;
  /** The text of the final messages, joined with "\n". */
  final: string;
  toolCalls: CollectedToolCall[];
  /** Every message that ended, in order. */
  messages: Message[];
  /** Undefined only when the stream ended with an error (or without a last part). */
  finish: FinishPart | undefined;
  /** The error of an `error` part; only when `throwOnError: false`. */
  error?: Error;
}

/** Pass parts through; an `error` part is thrown instead of yielded. */
export async function* throwOnError(parts: AsyncIterable<Part>): AsyncGenerator<Part, void, undefined> {
  for await (const part of parts) {
    if (part.type === "error") throw part.error;
    yield part;
  }
}

/**
 * Read a whole parts stream. By default an `error` part is thrown (after the stream ended); with
 * `throwOnError: false` it is returned in `error`, with everything collected before it.
 */
export async function collectParts(
  parts: AsyncIterable<Part>,
  options: { throwOnError?: boolean } = {},
): Promise<CollectedParts> {
  const texts = { analysis: [] as string[], commentary: [] as string[], final: [] as string[] };
  const result: CollectedParts = {
    analysis: "",
    commentary: "",
    final: "",
    toolCalls: [],
    messages: [],
    finish: undefined,
  };
  for await (const part of parts) {
    switch (part.type) {
      case "analysis-end":
      case "commentary-end":
      case "final-end":
        texts[part.type.slice(0, -4) as keyof typeof texts].push(part.text);
        result.messages.push(part.message);
        break;
      case "tool-call-end":
        result.toolCalls.push({
          id: part.id,
          recipient: part.recipient,
          ...(part.channel !== undefined ? { channel: part.channel } : {}),
          ...(part.contentType !== undefined ? { contentType: part.contentType } : {}),
          arguments: part.text,
        });
        result.messages.push(part.message);
        break;
      case "finish":
        result.finish = part;
        break;
      case "error":
        result.error = part.error;
        break;
    }
  }
  result.analysis = texts.analysis.join("\n");
  result.commentary = texts.commentary.join("\n");
  result.final = texts.final.join("\n");
  if (result.error !== undefined && (options.throwOnError ?? true)) throw result.error;
  return result;
}
