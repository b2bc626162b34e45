/**
 * The OpenAI routes: Chat Completions, Responses and the model list. Each handler parses the request with its
 * protocol module, opens the generation on the named model's backend, and hands the parts to the module's body
 * builder or stream framer; the request context does the rest (request-context.ts).
 */
import {
  chatCompletionBody,
  chatCompletionFrames,
  chatToGenerateRequest,
  parseChatRequest,
} from "./openai-chat.js";
import { asObject, type ServedModel } from "./protocol.js";
import type { RequestContext } from "./request-context.js";
import { ResponseStore } from "./response-store.js";
import {
  parseResponsesRequest,
  responseFrames,
  responsesBody,
  responsesToGenerateRequest,
} from "./responses.js";
import type { Route } from "./route-types.js";

const SSE = "text/event-stream; charset=utf-8";

/** Responses kept for `previous_response_id`, per process (bounded; response-store.ts). */
const store = new ResponseStore();

async function chatCompletions(context: RequestContext): Promise<void> {
  const body = await context.json();
  const parsed = parseChatRequest(body);
  const model = context.model(parsed.model);
  const request = chatToGenerateRequest(parsed, model);
  const parts = await context.generate(model, { ...request, ...promptCacheKey(body) }, parsed.stop);
  const meta = context.meta(model, "chatcmpl-");
  const reasoningField = model.reasoningField;
  if (parsed.stream) {
    await context.sendFrames(
      SSE,
      chatCompletionFrames(parts, meta, { reasoningField, includeUsage: parsed.includeUsage }),
    );
  } else {
    context.sendJson(200, await chatCompletionBody(parts, meta, { reasoningField }));
  }
}

async function responses(context: RequestContext): Promise<void> {
  const body = await context.json();
  const parsed = parseResponsesRequest(body);
  const model = context.model(parsed.model);
  const history =
    parsed.previousResponseId === undefined ? undefined : store.require(parsed.previousResponseId);
  const request = responsesToGenerateRequest(parsed, model, history);
  const parts = await context.generate(model, { ...request, ...promptCacheKey(body) });
  const meta = context.meta(model, "resp_");
  const keep = (items: Parameters<ResponseStore["put"]>[1]) => {
    if (parsed.store) store.put(meta.id, items);
  };
  if (parsed.stream) {
    await context.sendFrames(SSE, responseFrames(parts, meta, parsed, keep));
  } else {
    const { response, items } = await responsesBody(parts, meta, parsed);
    keep(items);
    context.sendJson(200, response);
  }
}

/**
 * OpenAI's `prompt_cache_key` (both routes): the client's name for a conversation, so its turns go to the replica
 * holding its cache even when many conversations start alike (gateway.md §7.3, rule 48).
 */
function promptCacheKey(body: unknown): { sessionKey?: string } {
  const key = asObject(body)?.prompt_cache_key;
  return typeof key === "string" && key !== "" ? { sessionKey: key } : {};
}

/** One `/v1/models` entry (gateway.md §3): the public name only, never the backend's path or tag. */
function modelObject(model: ServedModel): Record<string, unknown> {
  return {
    id: model.name,
    object: "model",
    created: Math.floor(model.since.getTime() / 1000),
    owned_by: "overtone",
  };
}

export const OPENAI_ROUTES: readonly Route[] = [
  {
    name: "chat_completions",
    method: "POST",
    path: "/v1/chat/completions",
    protocol: "openai",
    handle: chatCompletions,
  },
  { name: "responses", method: "POST", path: "/v1/responses", protocol: "openai", handle: responses },
  {
    name: "models",
    method: "GET",
    path: "/v1/models",
    protocol: "openai",
    async handle(context, state) {
      context.sendJson(200, { object: "list", data: state.models.all().map(modelObject) });
    },
  },
  {
    name: "model",
    method: "GET",
    path: "/v1/models/",
    prefix: true,
    protocol: "openai",
    async handle(context) {
      const name = decodeURIComponent(
        new URL(context.request.url ?? "/", "http://gateway").pathname.slice(11),
      );
      context.sendJson(200, modelObject(context.model(name)));
    },
  },
];
