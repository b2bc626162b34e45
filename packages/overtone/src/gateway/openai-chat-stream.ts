/**
 * A Chat Completions stream (gateway.md §1.3): the parts of one generation as SSE frames, `data: <json>\n\n`,
 * always ending with `data: [DONE]\n\n` (rule 2). Every chunk has the same id, created and model, and
 * `object: "chat.completion.chunk"` (rule 3); `system_fingerprint` is left out.
 *
 * The order, as vLLM sends it for gpt-oss and as the strictest clients want it (§5):
 *   1. `delta: {role: "assistant", content: ""}` (rule 4; LangChain needs the role to keep tool-call chunks),
 *      sent with the first part, so that a generation that fails at once is only an error frame;
 *   2. reasoning deltas in the one configured field (rule 14), content deltas for preambles and answers
 *      (rule 16); a second message of a kind starts with a blank line, as the body joins them;
 *   3. per tool call, one opening delta with `index`, a fresh `id`, `type` and `function: {name, arguments: ""}`
 *      (the AI SDK throws without the id: §6 item 10), then only `index` and `function.arguments` fragments
 *      (rules 7, 8); a call that follows a preamble is not preceded by stray text (rule 10);
 *   4. one chunk `delta: {}` with the finish reason (rule 5), as Ollama /v1 sends it;
 *   5. with `include_usage`, `{choices: [], usage}` (rule 11); otherwise no chunk has empty choices;
 *   6. `[DONE]`.
 * An `error` part, a failed or cut-off finish, or a parts stream that throws ends the stream with
 * `data: {"error": {message, type, param, code}}` and `[DONE]` (rule 23), vLLM's shape, which openai-node and
 * the AI SDK both report as an error. All text passes MarkupFilter on the way (rule 15).
 */
import type { Part } from "@overtone/harmony";
import { functionName, MarkupFilter } from "./clean-text.js";
import {
  chatFinishReason,
  chatUsage,
  MESSAGE_SEPARATOR,
  newToolCallId,
  openAIErrorBody,
} from "./openai-chat-reply.js";
import { type ReasoningField, type ReplyMeta, upstreamError } from "./protocol.js";

const DONE = "data: [DONE]\n\n";

export async function* chatCompletionFrames(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  opts: { reasoningField: ReasoningField; includeUsage: boolean },
): AsyncGenerator<string, void, undefined> {
  // Every chunk is `{...envelope, ...fields}`. The envelope is serialised once and each chunk's own JSON appended
  // to it (the same bytes JSON.stringify gives the whole): per delta, re-serialising the envelope and the
  // choice around one string was the gateway's largest cost of its own.
  const envelope = { id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model };
  const head = `data: ${JSON.stringify(envelope).slice(0, -1)},`;
  const frame = (fields: Record<string, unknown>): string => `${head}${JSON.stringify(fields).slice(1)}\n\n`;
  const deltaJson = (json: string): string =>
    `${head}"choices":[{"index":0,"delta":${json},"finish_reason":null}]}\n\n`;
  const delta = (fields: Record<string, unknown>): string => deltaJson(JSON.stringify(fields));

  let started = false;
  /** The text of one message as it streams: where it goes, and its markup filter. */
  let open: { field: string; key: string; filter: MarkupFilter; sentAny: boolean } | undefined;
  /** Whether the content and the reasoning field have text yet (a next message there starts with a separator). */
  const written = new Set<string>();
  let reasoningText = "";
  let toolIndex = -1;
  let toolFilter: MarkupFilter | undefined;

  /** Text of the open message, with the separator before its first piece when its field has text already. */
  const text = (piece: string): string | undefined => {
    if (open === undefined || piece === "") return undefined;
    if (open.field !== "content") reasoningText += piece;
    const out = !open.sentAny && written.has(open.field) ? MESSAGE_SEPARATOR + piece : piece;
    open.sentAny = true;
    written.add(open.field);
    return deltaJson(`{${open.key}:${JSON.stringify(out)}}`);
  };
  const argumentsDelta = (piece: string): string | undefined =>
    piece === "" ? undefined : delta({ tool_calls: [{ index: toolIndex, function: { arguments: piece } }] });

  try {
    for await (const part of parts) {
      if (part.type === "error") {
        yield* errorFrames(part.error);
        return;
      }
      if (!started) {
        started = true;
        yield delta({ role: "assistant", content: "" });
      }
      let out: string | undefined;
      switch (part.type) {
        case "analysis-start":
        case "commentary-start":
        case "final-start":
          open = textOpen(part.type === "analysis-start" ? opts.reasoningField : "content");
          break;
        case "analysis-delta":
        case "commentary-delta":
        case "final-delta":
          out = text(open?.filter.push(part.delta) ?? "");
          break;
        case "analysis-end":
        case "commentary-end":
        case "final-end":
          out = text(open?.filter.flush() ?? "");
          open = undefined;
          break;
        case "tool-call-start":
          toolIndex += 1;
          toolFilter = new MarkupFilter();
          out = delta({
            tool_calls: [
              {
                index: toolIndex,
                id: newToolCallId(),
                type: "function",
                function: { name: functionName(part.recipient), arguments: "" },
              },
            ],
          });
          break;
        case "tool-call-delta":
          out = argumentsDelta(toolFilter?.push(part.delta) ?? "");
          break;
        case "tool-call-end":
          out = argumentsDelta(toolFilter?.flush() ?? "");
          toolFilter = undefined;
          break;
        case "finish": {
          const reason = chatFinishReason(part, toolIndex >= 0);
          yield frame({ choices: [{ index: 0, delta: {}, finish_reason: reason }] });
          if (opts.includeUsage) yield frame({ choices: [], usage: chatUsage(part.usage, reasoningText) });
          yield DONE;
          return;
        }
      }
      if (out !== undefined) yield out;
    }
    // The contract says a stream always ends with finish or error; one that does not is a broken upstream.
    yield* errorFrames(new Error("the backend's stream ended without a finish"));
  } catch (error) {
    yield* errorFrames(error);
  }
}

/** A message's text starting: its delta field, that field as a JSON key, its markup filter. */
function textOpen(field: string) {
  return { field, key: JSON.stringify(field), filter: new MarkupFilter(), sentAny: false };
}

/** The mid-stream error frame and the end (rule 23). */
function* errorFrames(error: unknown): Generator<string, void, undefined> {
  yield `data: ${JSON.stringify(openAIErrorBody(upstreamError(error)))}\n\n`;
  yield DONE;
}
