/**
 * The raw route on llama-server: `POST /completion` with the prompt as token ids Overtone rendered from the
 * Harmony conversation, `return_tokens: true` so every streamed event carries the sampled ids, and our own
 * token parser (partsFromTokens) turning them into parts. Special tokens are never stripped or re-encoded this
 * way (llama-server would strip them from `content`: `analysis…assistantfinal…`, oobabooga#7374), and the
 * server's chat template and chat parser are out of the picture.
 *
 * The final event (`stop: true`) carries `stop_type` (`eos` | `limit` | `word` | `none`), `tokens_evaluated`
 * (the prompt length the server saw), `tokens_predicted` and `timings`.
 *
 * A response format is deliberately not passed on: `/completion` takes `json_schema` or `grammar`, but they
 * constrain the whole completion, and here that is the Harmony text with the analysis and the channel headers
 * (gpt-oss's reasoning must stay free, ollama#11691). The caller validates the answer instead.
 */
import { BackendError } from "@overtone/errors";
import {
  type FinishDetails,
  type Part,
  partsFromTokens,
  renderConversationForCompletion,
} from "@overtone/harmony";
import type { UpstreamResponse } from "../../net/http-stream.js";
import type { GenerateRequest } from "../contract.js";
import { conversationForRendering, isHeaderCutOff, openAISampling } from "../gpt-oss-profile.js";
import { bodyOf } from "./abortable.js";
import type { PartsContext } from "./chat-parts.js";
import { isErrorEvent, streamError } from "./server-errors.js";
import { sseEventBatches } from "./sse.js";

type Json = Record<string, unknown>;

/** The prompt ids and the request body for llama-server's `/completion`. */
export function completionBody(request: GenerateRequest): { prompt: number[]; body: Json } {
  const prompt = renderConversationForCompletion(conversationForRendering(request), "assistant");
  return {
    prompt,
    body: {
      prompt,
      stream: true,
      return_tokens: true,
      n_predict: request.maxTokens ?? -1,
      ...openAISampling(request, "llama-server"),
      cache_prompt: true,
    },
  };
}

interface FinalEvent {
  stopType?: string;
  inputTokens?: number;
  outputTokens?: number;
  promptMs?: number;
  generationMs?: number;
}

export function rawCompletionParts(
  response: UpstreamResponse,
  context: PartsContext,
  promptLength: number,
): AsyncIterable<Part> {
  const final: { event?: FinalEvent } = {};
  const tokens = tokenSource(response, context, final);
  const parts = partsFromTokens(tokens, {
    role: "assistant",
    strict: false,
    inputTokens: promptLength,
    startedAt: context.startedAt,
    ...(context.signal !== undefined ? { signal: context.signal } : {}),
    finishDetails: () => finishDetails(final.event),
  });
  return withServerCounts(parts, final);
}

async function* tokenSource(
  response: UpstreamResponse,
  context: PartsContext,
  final: { event?: FinalEvent },
): AsyncGenerator<number, void, undefined> {
  reading: for await (const events of sseEventBatches(bodyOf(response), context.signal)) {
    for (const event of events) {
      if (event.data === "[DONE]") break reading;
      let chunk: Json;
      try {
        chunk = JSON.parse(event.data) as Json;
      } catch (error) {
        throw new BackendError(`${context.url} sent a stream event that is not JSON`, {
          url: context.url,
          body: event.data.slice(0, 2_000),
          retryable: false,
          cause: error,
        });
      }
      if (isErrorEvent(chunk)) throw streamError(chunk, context.url, event.data);
      if (Array.isArray(chunk.tokens)) {
        for (const id of chunk.tokens) if (typeof id === "number") yield id;
      }
      if (chunk.stop === true) {
        const timings = (chunk.timings ?? {}) as Json;
        final.event = {
          ...(typeof chunk.stop_type === "string" ? { stopType: chunk.stop_type } : {}),
          ...(typeof chunk.tokens_evaluated === "number" ? { inputTokens: chunk.tokens_evaluated } : {}),
          ...(typeof chunk.tokens_predicted === "number" ? { outputTokens: chunk.tokens_predicted } : {}),
          ...(typeof timings.prompt_ms === "number" ? { promptMs: timings.prompt_ms } : {}),
          ...(typeof timings.predicted_ms === "number" ? { generationMs: timings.predicted_ms } : {}),
        };
        return;
      }
    }
  }
  if (final.event === undefined) {
    throw new BackendError(`${context.url}: the stream ended before the server said it was finished`, {
      url: context.url,
      retryable: true,
      hint: "the server may have crashed or dropped the connection; retry",
    });
  }
}

function finishDetails(event: FinalEvent | undefined): FinishDetails | undefined {
  if (event === undefined) return undefined;
  return {
    // `eos`: the model stopped on <|return|> or <|call|>; which one the parser knows, so it picks the reason.
    ...(event.stopType === "limit" ? { reason: "length" as const } : {}),
    timings: {
      ...(event.promptMs !== undefined ? { promptMs: event.promptMs } : {}),
      ...(event.generationMs !== undefined ? { generationMs: event.generationMs } : {}),
    },
  };
}

/**
 * The finish part with the server's token counts: the prompt as the server evaluated it, what it generated.
 * A parser error because the budget ended inside a message header becomes the `length` finish it is.
 */
async function* withServerCounts(
  parts: AsyncIterable<Part>,
  final: { event?: FinalEvent },
): AsyncGenerator<Part, void, undefined> {
  for await (const part of parts) {
    const event = final.event;
    if (part.type === "error" && event?.stopType === "limit" && isHeaderCutOff(part.error)) {
      const timings = finishDetails(event)?.timings;
      yield {
        type: "finish",
        reason: "length",
        ...(event.inputTokens !== undefined && event.outputTokens !== undefined
          ? { usage: { inputTokens: event.inputTokens, outputTokens: event.outputTokens } }
          : {}),
        ...(timings !== undefined ? { timings } : {}),
      };
      continue;
    }
    if (part.type === "finish" && part.usage !== undefined && event !== undefined) {
      yield {
        ...part,
        usage: {
          ...part.usage,
          ...(event.inputTokens !== undefined ? { inputTokens: event.inputTokens } : {}),
          ...(event.outputTokens !== undefined ? { outputTokens: event.outputTokens } : {}),
        },
      };
      continue;
    }
    yield part;
  }
}
