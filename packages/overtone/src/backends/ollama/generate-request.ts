/**
 * The raw route's request: `/api/generate` with `raw: true` and the prompt Overtone rendered itself, so no
 * template of the model file is involved (the way round a gpt-oss model imported with a ChatML template, field
 * report 000). The conversation is completed the way the chat route would have it: the request's effort
 * written into the system message (one is added when missing: gpt-oss reads its effort and channels there),
 * the request's tools added to the developer message's `functions` namespace.
 *
 * A response format is not passed on here: `format` on a raw prompt would constrain the whole output, the
 * analysis included (gpt-oss must reason freely, ollama#11691); the caller validates the answer instead.
 */
import {
  type Conversation,
  developerContent,
  developerMessage,
  type Message,
  renderConversationForCompletionText,
  systemContent,
  systemMessage,
  withFunctionTools,
} from "@overtone/harmony";
import type { GenerateRequest } from "../contract.js";
import { ollamaOptions, requestedEffort, withEffort } from "../gpt-oss-profile.js";
import type { OllamaGenerateRequest } from "./wire.js";

export interface GenerateRequestContext {
  model: string;
  numCtx?: number;
  modelNumCtx?: number;
  keepAlive?: string | number;
}

export function rawGenerateBody(
  request: GenerateRequest,
  context: GenerateRequestContext,
): OllamaGenerateRequest {
  return {
    model: context.model,
    prompt: renderConversationForCompletionText(rawConversation(request), "assistant"),
    raw: true,
    stream: true,
    options: ollamaOptions(request, context),
    ...(context.keepAlive !== undefined ? { keep_alive: context.keepAlive } : {}),
  };
}

/** The conversation as the raw prompt renders it (effort and request tools applied). */
export function rawConversation(request: GenerateRequest): Conversation {
  let messages: Message[] = [...request.conversation.messages];
  if (!messages.some((m) => m.author.role === "system")) messages.unshift(systemMessage(systemContent()));
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    const index = messages.findIndex((m) => m.content.some((c) => c.type === "developer_content"));
    if (index < 0) {
      const after = messages.findIndex((m) => m.author.role === "system") + 1;
      messages.splice(after, 0, developerMessage(withFunctionTools(developerContent(), tools)));
    } else {
      messages = messages.map((m, i) => (i === index ? withRequestTools(m, tools) : m));
    }
  }
  return withEffort({ ...request.conversation, messages }, requestedEffort(request));
}

function withRequestTools(message: Message, tools: NonNullable<GenerateRequest["tools"]>): Message {
  return {
    ...message,
    content: message.content.map((c) => {
      if (c.type !== "developer_content") return c;
      // A request tool replaces a developer tool of the same name, as in the chat route (functionTools).
      const names = new Set(tools.map((t) => t.name));
      const kept = (c.tools?.functions?.tools ?? []).filter((t) => !names.has(t.name));
      return { type: "developer_content" as const, ...withFunctionTools(c, [...kept, ...tools]) };
    }),
  };
}
