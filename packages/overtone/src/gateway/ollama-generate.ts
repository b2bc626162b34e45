/**
 * Ollama's `POST /api/generate` as Overtone serves it (gateway.md §4.2, backends.md §1.1/§1.3): `prompt` becomes
 * the user message, `system` the developer instructions; the reply has `response` for the answer and a
 * top-level `thinking` for the reasoning (wire/005, wire/006), and `tool_calls` at top level should the model
 * call a tool (this endpoint offers none: tools belong on /api/chat, §6 item 11).
 *
 * What this gateway refuses, with a 400 that says why, rather than answering something else:
 *   - `raw: true`: a raw prompt would bypass the Harmony rendering that makes gpt-oss work, and the backend
 *     contract takes a conversation, not text. With `template`, `system` or `context` it is Ollama's own 400;
 *   - `template`: Overtone renders Harmony itself; there is no Go template to override;
 *   - a non-empty `context` (token ids of an earlier reply): this gateway never returns one, so it came from
 *     another server and cannot be continued here;
 *   - `suffix` (fill-in-the-middle): gpt-oss has no insert capability (Ollama's `does not support insert`);
 *   - `images`: gpt-oss reads text only.
 * The final line has no `context`: it is deprecated, and there are no prompt token ids to give.
 * An empty `prompt` is Ollama's "load the model" request (`loadOnly`): answer it with ollamaGenerateLoadReply.
 */
import { conversation, message, type Part } from "@overtone/harmony";
import type { GenerateRequest } from "../backends/contract.js";
import { conversationHead, generateSettings } from "./generate-request.js";
import { ollamaBody, ollamaLastLine, ollamaLines, type Placement } from "./ollama-lines.js";
import type { OllamaReplyOptions } from "./ollama-reply.js";
import {
  type OllamaCommonFields,
  optionalText,
  parseCommonFields,
  refuseImages,
  requestObject,
} from "./ollama-request.js";
import { badRequest, type ReplyMeta, type ServedModel } from "./protocol.js";
import { ollamaResponseFormat } from "./structured-output.js";

export interface ParsedOllamaGenerate extends OllamaCommonFields {
  prompt: string;
  /** `system`: the developer message's instructions. */
  system?: string;
  /** Empty prompt: nothing to generate; reply with ollamaGenerateLoadReply (`unload` for `keep_alive: 0`). */
  loadOnly?: "load" | "unload";
}

export function parseOllamaGenerateRequest(body: unknown): ParsedOllamaGenerate {
  const request = requestObject(body);
  const common = parseCommonFields(request);
  const prompt = optionalText(request, "prompt") ?? "";
  const system = optionalText(request, "system");
  const template = optionalText(request, "template");
  const context = request.context;
  const hasContext = Array.isArray(context) && context.length > 0;
  if (context !== undefined && context !== null && !Array.isArray(context)) {
    throw badRequest("context must be an array of token ids", "context");
  }
  const raw = request.raw ?? false;
  if (typeof raw !== "boolean") throw badRequest("raw must be true or false", "raw");
  if (raw && (template || system || hasContext)) {
    throw badRequest("raw mode does not support template, system, or context", "raw");
  }
  if (raw) {
    throw badRequest(
      "raw is not supported by this gateway: Overtone renders the Harmony prompt itself; send the text as prompt without raw, or use /api/chat",
      "raw",
    );
  }
  if (template) {
    throw badRequest("template is not supported: Overtone renders the Harmony prompt itself", "template");
  }
  if (hasContext) {
    throw badRequest(
      "context is not supported by this gateway: send the whole conversation to /api/chat instead",
      "context",
    );
  }
  if (optionalText(request, "suffix"))
    throw badRequest(`"${common.model}" does not support insert`, "suffix");
  refuseImages(request);
  return {
    ...common,
    prompt,
    ...(system ? { system } : {}),
    ...(prompt === "" ? { loadOnly: common.keepAliveZero ? ("unload" as const) : ("load" as const) } : {}),
  };
}

export function ollamaGenerateToGenerateRequest(
  parsed: ParsedOllamaGenerate,
  model: ServedModel,
  signal?: AbortSignal,
): GenerateRequest {
  const start = conversationHead(parsed.system !== undefined ? [parsed.system] : [], []);
  return {
    conversation: conversation([...start, message("user", parsed.prompt)]),
    ...generateSettings(parsed, model, signal),
    ...(parsed.format !== undefined ? { responseFormat: ollamaResponseFormat(parsed.format) } : {}),
  };
}

/** Generate puts the text at the top level, the answer as `response`. */
const atTopLevel: Placement = ({ content, ...rest }) => ({ response: content, ...rest });

/** The stream: one NDJSON line per event (wire/005), ending with `done: true` or an error line (wire/011). */
export function ollamaGenerateLines(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  options: OllamaReplyOptions = {},
): AsyncGenerator<string, void, undefined> {
  return ollamaLines(parts, meta, atTopLevel, options);
}

/** The `stream: false` body (wire/006); a failure is thrown as a GatewayError. */
export function ollamaGenerateBody(
  parts: AsyncIterable<Part>,
  meta: ReplyMeta,
  options: OllamaReplyOptions = {},
): Promise<Record<string, unknown>> {
  return ollamaBody(parts, meta, atTopLevel, options);
}

/** Ollama's answer to a generate request with an empty prompt: the model is ready (`load`) or let go (`unload`). */
export function ollamaGenerateLoadReply(
  model: string,
  reason: "load" | "unload",
  options: OllamaReplyOptions = {},
): Record<string, unknown> {
  return ollamaLastLine(model, reason, atTopLevel, options);
}
