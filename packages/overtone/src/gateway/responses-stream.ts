/**
 * A Responses reply as server-sent events, exactly the sequence of gateway.md §2.3, since strict clients
 * (openai-node's `responses.stream()`, Codex) reject anything else (rules 27–33; vLLM's departures, wire/021, are
 * what not to do: no `reasoning_part.*` events, `content_index` restarts at 0 in every item, the ids streamed are
 * the ids completed).
 *
 * Each frame is `event: <type>\ndata: <one-line JSON with the same type and sequence_number>\n\n`, numbered from
 * 0: `response.created`, `response.in_progress`, the items' events, then exactly one of `response.completed`,
 * `response.incomplete` or `response.failed`, whose `response.output` is the list of `output_item.done` items.
 * There is no `[DONE]`. An `error` part mid-stream (or parts that end without a finish) closes the item in
 * progress as `incomplete` and ends the stream with `response.failed`, `error.code:"server_error"`. The items to store (`storedItems`: history, input, output)
 * go to `onDone` before the terminal frame is yielded, so a client that continues from it at once finds them;
 * not when the stream failed on an error part.
 */
import type { FinishPart, Part } from "@overtone/harmony";
import { type ReplyMeta, upstreamError } from "./protocol.js";
import type { ResponsesItem } from "./responses-input.js";
import { type Json, OutputAssembler } from "./responses-output.js";
import {
  failed,
  IN_PROGRESS,
  outcomeOf,
  type ResponseOutcome,
  responseObject,
  storedItems,
} from "./responses-reply.js";
import type { ParsedResponsesRequest } from "./responses-request.js";

const TERMINAL_EVENT = {
  completed: "response.completed",
  incomplete: "response.incomplete",
  failed: "response.failed",
} as const;

export async function* responseFrames(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  parsed: ParsedResponsesRequest,
  onDone: (items: ResponsesItem[]) => void,
): AsyncGenerator<string, void, undefined> {
  let sequence = 0;
  const frame = (event: Json & { type: string }): string =>
    `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`;
  const output = new OutputAssembler();
  const started = responseObject(meta, parsed, [], IN_PROGRESS);
  yield frame({ type: "response.created", response: started });
  yield frame({ type: "response.in_progress", response: started });

  let finish: FinishPart | undefined;
  let outcome: ResponseOutcome | undefined;
  try {
    for await (const part of parts) {
      if (part.type === "error") {
        outcome = failed(upstreamError(part.error).message);
        break;
      }
      if (part.type === "finish") {
        finish = part;
        break;
      }
      for (const event of output.push(part)) yield frame(event);
    }
  } catch (error) {
    outcome = failed(upstreamError(error).message);
  }
  if (finish !== undefined) {
    outcome = outcomeOf(finish);
    onDone(storedItems(parsed, output.stored));
  }
  outcome ??= failed("the backend's stream ended without finishing the reply");
  if (outcome.status === "failed") for (const event of output.abandon()) yield frame(event);
  const status = outcome.status as keyof typeof TERMINAL_EVENT;
  yield frame({
    type: TERMINAL_EVENT[status],
    response: responseObject(meta, parsed, output.items, outcome),
  });
}
