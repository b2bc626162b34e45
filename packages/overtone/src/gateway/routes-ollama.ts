/**
 * The Ollama routes, so ollama-js, Open WebUI and LangChain's ChatOllama can use the gateway as if it were
 * Ollama: chat and generate (NDJSON by default, one JSON object with `stream: false`), the listings clients read
 * to find models, and the `GET /` and `/api/version` probes (gateway.md §4, rules 37–45).
 */
import { writeText } from "./http-io.js";
import { ollamaChatToGenerateRequest, parseOllamaChatRequest } from "./ollama-chat.js";
import { ollamaChatBody, ollamaChatLines, ollamaChatLoadReply } from "./ollama-chat-reply.js";
import {
  ollamaGenerateBody,
  ollamaGenerateLines,
  ollamaGenerateLoadReply,
  ollamaGenerateToGenerateRequest,
  parseOllamaGenerateRequest,
} from "./ollama-generate.js";
import { ollamaPs, ollamaShow, ollamaTags, ollamaVersion } from "./ollama-listing.js";
import { asObject, badRequest } from "./protocol.js";
import type { RequestContext } from "./request-context.js";
import type { Route } from "./route-types.js";

const NDJSON = "application/x-ndjson";

async function chat(context: RequestContext): Promise<void> {
  const parsed = parseOllamaChatRequest(await context.json());
  const model = context.model(parsed.model);
  const meta = context.meta(model, "");
  if (parsed.loadOnly !== undefined) {
    context.sendJson(200, ollamaChatLoadReply(meta.model, parsed.loadOnly));
    return;
  }
  const parts = await context.generate(model, ollamaChatToGenerateRequest(parsed, model), parsed.stop);
  if (parsed.stream) await context.sendFrames(NDJSON, ollamaChatLines(parts, meta));
  else context.sendJson(200, await ollamaChatBody(parts, meta));
}

async function generate(context: RequestContext): Promise<void> {
  const parsed = parseOllamaGenerateRequest(await context.json());
  const model = context.model(parsed.model);
  const meta = context.meta(model, "");
  if (parsed.loadOnly !== undefined) {
    context.sendJson(200, ollamaGenerateLoadReply(meta.model, parsed.loadOnly));
    return;
  }
  const parts = await context.generate(model, ollamaGenerateToGenerateRequest(parsed, model), parsed.stop);
  if (parsed.stream) await context.sendFrames(NDJSON, ollamaGenerateLines(parts, meta));
  else context.sendJson(200, await ollamaGenerateBody(parts, meta));
}

export const OLLAMA_ROUTES: readonly Route[] = [
  {
    name: "ollama_root",
    method: "GET",
    path: "/",
    protocol: "ollama",
    async handle(context) {
      writeText(context.response, 200, "Ollama is running", "text/plain; charset=utf-8");
    },
  },
  {
    name: "ollama_version",
    method: "GET",
    path: "/api/version",
    protocol: "ollama",
    async handle(context) {
      context.sendJson(200, ollamaVersion());
    },
  },
  { name: "ollama_chat", method: "POST", path: "/api/chat", protocol: "ollama", handle: chat },
  { name: "ollama_generate", method: "POST", path: "/api/generate", protocol: "ollama", handle: generate },
  {
    name: "ollama_tags",
    method: "GET",
    path: "/api/tags",
    protocol: "ollama",
    async handle(context, state) {
      context.sendJson(200, ollamaTags(state.models.all()));
    },
  },
  {
    name: "ollama_ps",
    method: "GET",
    path: "/api/ps",
    protocol: "ollama",
    async handle(context, state) {
      context.sendJson(200, ollamaPs(state.models.all()));
    },
  },
  {
    name: "ollama_show",
    method: "POST",
    path: "/api/show",
    protocol: "ollama",
    async handle(context) {
      const body = asObject(await context.json());
      // ollama-js sends `model`; older clients sent `name`.
      const name = body?.model ?? body?.name;
      if (typeof name !== "string" || name === "")
        throw badRequest("model is required: the model's name", "model");
      context.sendJson(200, ollamaShow(context.model(name)));
    },
  },
];
