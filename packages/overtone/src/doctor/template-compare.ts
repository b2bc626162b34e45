/**
 * The token-by-token comparison behind the `template` probe: a known conversation rendered by the server's chat
 * template (llama-server `/apply-template`; on Ollama, the token ids of the prompt it built for a plain
 * `/api/generate`, which it returns as `context`) against Overtone's exact Harmony rendering of the same
 * conversation, and the first token where they part, with a little of each side around it for the report.
 */
import {
  type Conversation,
  conversation,
  decode,
  encodeWithSpecialTokens,
  message,
  renderConversationForCompletionText,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import { chatCompletionBody } from "../backends/openai-compatible/chat-request.js";
import type { ProbeContext } from "./probe.js";
import { serverJson } from "./target.js";

/**
 * The conversation both sides render: one user question, the template's defaults for everything else. The
 * question of a recorded Ollama exchange (test/fixtures/wire/013), so a replay answers it as Ollama did.
 */
export const KNOWN_QUESTION = "What is your model?";

export function knownConversationMessages(): { role: string; content: string }[] {
  return [{ role: "user", content: KNOWN_QUESTION }];
}

/**
 * Overtone's rendering of it as the official gpt-oss template does it: a system message with the default
 * identity, cutoff and medium effort, and today's date (the template writes `strftime_now`).
 */
export function overtoneRendering(today = new Date()): string {
  const date = today.toISOString().slice(0, 10);
  const conv = conversation([
    systemMessage(systemContent({ conversation_start_date: date })),
    message("user", KNOWN_QUESTION),
  ]);
  return renderConversationForCompletionText(conv, "assistant");
}

export interface TemplateDifference {
  /** Index of the first token that differs (or where one side ends). */
  index: number;
  expected: string;
  got: string;
  expectedTokens: number;
  gotTokens: number;
}

/** Undefined when both render to the same tokens. */
export function firstDifference(expectedText: string, gotText: string): TemplateDifference | undefined {
  return firstTokenDifference(encodeWithSpecialTokens(expectedText), encodeWithSpecialTokens(gotText));
}

/** The same on token ids. */
export function firstTokenDifference(
  expected: readonly number[],
  got: readonly number[],
): TemplateDifference | undefined {
  const shared = Math.min(expected.length, got.length);
  let index = 0;
  while (index < shared && expected[index] === got[index]) index++;
  if (index === expected.length && index === got.length) return undefined;
  const around = (tokens: readonly number[]) => decode(tokens.slice(Math.max(0, index - 4), index + 8));
  return {
    index,
    expected: around(expected),
    got: around(got),
    expectedTokens: expected.length,
    gotTokens: got.length,
  };
}

/** What Ollama's rendering of the known question showed. */
export interface OllamaRendering {
  /** The prompt's token ids as Ollama built them (the `context` prefix as long as Overtone's rendering). */
  prompt: number[];
  /** Its text, special tokens written out. */
  text: string;
  /** Overtone's rendering of the known conversation, with the date Ollama's template wrote. */
  overtoneText: string;
  difference?: TemplateDifference;
}

/**
 * The known question sent to Ollama's plain `/api/generate` (one token asked for): the reply's `context` starts
 * with the token ids of the prompt Ollama's template built. Undefined when the reply carries no `context`
 * (hosted servers, or `raw` models) — the template's class then decides alone.
 */
export async function ollamaRendering(context: ProbeContext): Promise<OllamaRendering | undefined> {
  const { target, signal } = context;
  const answer = await serverJson<{ context?: unknown }>(target, "/api/generate", {
    body: { model: target.model, prompt: KNOWN_QUESTION, stream: false, options: { num_predict: 1 } },
    signal,
  });
  const ids = answer.context;
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) return undefined;
  // The template writes the server's date; the comparison is about the rendering, not the clocks.
  const date = /Current date: (\d{4}-\d{2}-\d{2})/.exec(decode(ids.slice(0, 64)))?.[1];
  const overtoneText = overtoneRendering(date === undefined ? undefined : new Date(date));
  const expected = encodeWithSpecialTokens(overtoneText);
  const prompt = ids.slice(0, expected.length) as number[];
  const difference = firstTokenDifference(expected, prompt);
  return {
    prompt,
    text: decode(prompt),
    overtoneText,
    ...(difference !== undefined ? { difference } : {}),
  };
}

/**
 * The same comparison for any conversation a probe sent through llama-server's chat API: the request body the
 * backend sent (its `messages` and `tools`) rendered by `/apply-template`, against Overtone's rendering.
 */
export async function serverRenderingDifference(
  context: ProbeContext,
  sent: Conversation,
): Promise<(TemplateDifference & { serverRendering: string }) | undefined> {
  const { target, signal } = context;
  const body = chatCompletionBody(
    { conversation: sent },
    { flavor: "llama-server", model: undefined, stream: false },
  );
  const answer = await serverJson<{ prompt?: string }>(target, "/apply-template", {
    body: { messages: body.messages, ...(body.tools !== undefined ? { tools: body.tools } : {}) },
    signal,
  });
  const got = answer.prompt ?? "";
  const withDate = datedConversation(sent);
  const difference = firstDifference(renderConversationForCompletionText(withDate, "assistant"), got);
  return difference === undefined ? undefined : { ...difference, serverRendering: got };
}

/** The conversation with today's date in its system message, as the gpt-oss template writes it. */
function datedConversation(sent: Conversation, today = new Date()): Conversation {
  const date = today.toISOString().slice(0, 10);
  return {
    ...sent,
    messages: sent.messages.map((m) =>
      m.author.role !== "system"
        ? m
        : {
            ...m,
            content: m.content.map((c) =>
              c.type === "system_content" ? { ...c, conversation_start_date: date } : c,
            ),
          },
    ),
  };
}
