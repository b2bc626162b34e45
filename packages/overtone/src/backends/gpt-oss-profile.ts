/**
 * The gpt-oss profile: everything a backend must do differently because the model is gpt-oss, in one place
 * (reference/backends.md §5 and §8). Backends ask it how to sample, how to say the reasoning effort on their
 * wire, where the reasoning comes back, which route to take (the server's chat API or a raw prompt Overtone
 * renders), which tools the conversation offers. Nothing here does I/O; how a backend's parts are checked on their way out
 * (repairs, the tool-call check, the empty-answer notice) is checked-parts.ts.
 */
import { HarmonyParseError } from "@overtone/errors";
import {
  type Conversation,
  type Message,
  type ReasoningEffort,
  type ToolDescription,
  withTurnOptions,
} from "@overtone/harmony";
import { GPT_OSS_VOCAB_SIZE } from "@overtone/makers";
import type { Effort, GenerateRequest, Route } from "./contract.js";
import { withResponseFormat } from "./response-formats.js";

/** The wire dialects whose gpt-oss quirks differ. `openai` is an OpenAI-compatible server of unknown make. */
export type GptOssFlavor = "vllm" | "llama-server" | "lmstudio" | "ollama" | "ollama-openai" | "openai";

/** OpenAI's recommendation for gpt-oss; servers' own defaults (T 0.8, top_k 40, …) hurt it, so always send. */
export const GPT_OSS_TEMPERATURE = 1;
export const GPT_OSS_TOP_P = 1;

/**
 * Sampling fields in OpenAI-compatible (and llama-server `/completion`) naming. llama-server also applies
 * top_k 40 and min_p 0.05 by default; 0 turns both off, as the model card's plain T=1/top_p=1 sampling means.
 */
export function openAISampling(request: GenerateRequest, flavor: GptOssFlavor): Record<string, number> {
  const fields: Record<string, number> = {
    temperature: request.temperature ?? GPT_OSS_TEMPERATURE,
    top_p: request.topP ?? GPT_OSS_TOP_P,
  };
  if (flavor === "llama-server") {
    fields.top_k = 0;
    fields.min_p = 0;
  }
  if (request.seed !== undefined) fields.seed = request.seed;
  return fields;
}

const EFFORT_FROM_HARMONY: Record<ReasoningEffort, Effort> = { Low: "low", Medium: "medium", High: "high" };
const EFFORT_TO_HARMONY: Record<Effort, ReasoningEffort> = { low: "Low", medium: "Medium", high: "High" };

/** The effort a request asks for: its own `effort`, else the system message's, else none (server default). */
export function requestedEffort(request: GenerateRequest): Effort | undefined {
  if (request.effort !== undefined) return request.effort;
  const system = request.conversation.messages.find((m) => m.author.role === "system");
  for (const content of system?.content ?? []) {
    if (content.type === "system_content" && content.reasoning_effort !== undefined) {
      return EFFORT_FROM_HARMONY[content.reasoning_effort];
    }
  }
  return undefined;
}

/**
 * How each backend is told the effort (backends.md §8.3). llama-server reads the top-level field only since
 * 2026 (PR #26941); older builds pass `chat_template_kwargs` to the Jinja template, so it gets both. A server
 * of unknown make gets both too: vLLM and LM Studio ignore kwargs they do not use.
 */
export function effortFields(effort: Effort | undefined, flavor: GptOssFlavor): Record<string, unknown> {
  if (effort === undefined) return {};
  switch (flavor) {
    case "ollama":
      return { think: effort };
    case "llama-server":
    case "openai":
      return { reasoning_effort: effort, chat_template_kwargs: { reasoning_effort: effort } };
    default:
      return { reasoning_effort: effort };
  }
}

/** The conversation with the request's effort written into its system message (for routes Overtone renders). */
export function withEffort(conversation: Conversation, effort: Effort | undefined): Conversation {
  if (effort === undefined) return conversation;
  const messages = conversation.messages.map((m): Message => {
    if (m.author.role !== "system") return m;
    return {
      ...m,
      content: m.content.map((c) =>
        c.type === "system_content" ? { ...c, reasoning_effort: EFFORT_TO_HARMONY[effort] } : c,
      ),
    };
  });
  return { ...conversation, messages };
}

/**
 * The conversation a raw route renders: the request's effort in the system message (a default system message
 * first when there is none, as every gpt-oss chat template adds one) and the request's tools in the developer
 * message's `functions` namespace, and a `json_schema` response format as its "# Response Formats" section.
 */
export function conversationForRendering(request: GenerateRequest): Conversation {
  const effort = requestedEffort(request);
  const withOptions = withTurnOptions(request.conversation, {
    ...(effort !== undefined ? { effort: EFFORT_TO_HARMONY[effort] } : {}),
    ...(request.tools !== undefined ? { tools: request.tools } : {}),
  });
  return withResponseFormat(withOptions, request.responseFormat);
}

/** Field names servers use for the chain of thought, most specific first (backends.md §5). */
export const REASONING_FIELDS = ["reasoning_content", "reasoning", "thinking"] as const;

/** The reasoning text of a message or delta object, whichever field the server used. */
export function reasoningOf(object: Record<string, unknown> | undefined): string | undefined {
  if (object === undefined) return undefined;
  for (const field of REASONING_FIELDS) {
    const value = object[field];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

/** The field an assistant message in the history carries its reasoning back in, per server. */
export function historyReasoningField(flavor: GptOssFlavor): string {
  if (flavor === "llama-server") return "reasoning_content";
  if (flavor === "ollama") return "thinking";
  return "reasoning";
}

/**
 * Chat API or raw prompt. A raw prompt rendered by Overtone is exact whatever template the server's model
 * file carries (a wrong template is the most common gpt-oss failure) and is parsed by our own Harmony parser
 * (llama-server's fails ~4% of turns, llama.cpp#27720); but it is only valid for a model with the o200k_harmony
 * vocabulary. So `auto` takes it when the backend offers it and the vocabulary was confirmed.
 */
export function chooseRoute(
  requested: Route | undefined,
  options: { rawAvailable: boolean; harmonyVocabulary: boolean },
): "chat" | "raw" {
  if (requested === "chat") return "chat";
  if (requested === "raw") return "raw";
  return options.rawAvailable && options.harmonyVocabulary ? "raw" : "chat";
}

/** True when a model's name or reported facts (servers report `n_vocab` = GPT_OSS_VOCAB_SIZE) say gpt-oss. */
export function looksLikeGptOss(id: string, facts: { nVocab?: number; family?: string } = {}): boolean {
  if (facts.nVocab === GPT_OSS_VOCAB_SIZE) return true;
  if (facts.family !== undefined && /^gpt-?oss$/i.test(facts.family)) return true;
  return /gpt-?oss/i.test(id);
}

/**
 * Function tools offered: the developer message's `functions` namespace, then the request's (a request tool
 * replaces a developer tool of the same name).
 */
export function functionTools(request: GenerateRequest): ToolDescription[] {
  const byName = new Map<string, ToolDescription>();
  for (const m of request.conversation.messages) {
    if (m.author.role !== "developer") continue;
    for (const c of m.content) {
      if (c.type !== "developer_content") continue;
      for (const tool of c.tools?.functions?.tools ?? []) byName.set(tool.name, tool);
    }
  }
  for (const tool of request.tools ?? []) byName.set(tool.name, tool);
  return [...byName.values()];
}

/** The recipient of a tool call named on the wire: `get_weather` → `functions.get_weather`. */
export function toolRecipient(name: string): string {
  // Servers have leaked Harmony markup into names (`write_file<|channel|>commentary`, vllm#32587).
  const clean = name.replace(/<\|[a-z_]+\|>.*$/s, "").trim();
  return clean.includes(".") ? clean : `functions.${clean}`;
}

/** The wire name of a recipient: `functions.get_weather` → `get_weather` (other namespaces keep theirs). */
export function toolName(recipient: string): string {
  return recipient.startsWith("functions.") ? recipient.slice("functions.".length) : recipient;
}

/** The content type of a gpt-oss function call, as the model writes it. */
export const TOOL_CALL_CONTENT_TYPE = "<|constrain|>json";

/**
 * What the start of a server's `content` says about it: `harmony` when it still holds Harmony markup
 * (`<|channel|>…`: the server did not parse the output), `stripped` when it may be Harmony with its special
 * tokens stripped (`analysis…assistantfinal…`, or a lone call `commentary to=functions.x json{…}`), `plain` for
 * an ordinary answer, `undecided` while too short to tell. A `stripped` guess is only confirmed once
 * `assistantfinal` (or another header) follows or the call names its recipient (`confirmsStrippedHarmony`),
 * since an answer may well begin with the word "analysis".
 */
export function classifyContentStart(text: string): "harmony" | "stripped" | "plain" | "undecided" {
  const start = text.trimStart();
  if (start === "") return "undecided";
  for (const marker of ["<|channel|>", "<|start|>", "<|message|>"]) {
    if (start.startsWith(marker)) return "harmony";
    if (marker.startsWith(start)) return "undecided";
  }
  if (start.startsWith("analysis") || /^commentary to=\S/.test(start)) return "stripped";
  if ("analysis".startsWith(start) || "commentary to=".startsWith(start)) return "undecided";
  return "plain";
}

/** True when stripped-looking text goes on like Harmony: `assistantfinal`, `assistantcommentary`, … */
export function confirmsStrippedHarmony(text: string): boolean {
  return /assistant(?:final|commentary|analysis| to=)|^\s*commentary to=\S/.test(text);
}

/** What the stream produced, for explaining an empty answer. */
/**
 * True for the parser's complaint that the output ended inside a message header. When the server says it
 * stopped at the token budget, that is a truncation like any other (`length`), not malformed output: gpt-oss
 * writes a few header tokens before every message, and a budget can end among them.
 */
export function isHeaderCutOff(error: unknown): boolean {
  return (
    error instanceof HarmonyParseError && error.state === "Header" && /Unexpected EOS/.test(error.message)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Ollama (native API, backends.md §1)

/**
 * Ollama's default context (4096 on small GPUs) cuts gpt-oss off mid-reasoning, so the final answer never comes
 * (field report 004; Ollama f2e9c9aff: "gpt-oss works best with a context length of at least 8k").
 */
export const OLLAMA_MIN_NUM_CTX = 8192;

/**
 * `options` for `/api/chat` and `/api/generate`: gpt-oss sampling sent explicitly (Ollama's own defaults are
 * T 0.8, top_p 0.9, and until 2026-08 repeat_penalty 1.1 — all wrong for gpt-oss), a context of at least
 * OLLAMA_MIN_NUM_CTX (or the model file's, when larger), the output budget as `num_predict`.
 */
export function ollamaOptions(
  request: GenerateRequest,
  context: { numCtx?: number; modelNumCtx?: number } = {},
): Record<string, number> {
  const options: Record<string, number> = {
    temperature: request.temperature ?? GPT_OSS_TEMPERATURE,
    top_p: request.topP ?? GPT_OSS_TOP_P,
    repeat_penalty: 1,
    num_ctx: Math.max(OLLAMA_MIN_NUM_CTX, context.numCtx ?? 0, context.modelNumCtx ?? 0),
  };
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.seed !== undefined) options.seed = request.seed;
  return options;
}

/**
 * Ollama's `think` for gpt-oss: always a level. `think: false` does not stop gpt-oss from reasoning (it only
 * drops the `Reasoning:` line from the prompt), and an unset `think` means medium anyway; saying it keeps the
 * request explicit.
 */
export function ollamaThink(effort: Effort | undefined): Effort {
  return effort ?? "medium";
}

/**
 * Which Ollama route serves a request. `/api/chat` is the right one whenever Ollama's model file speaks
 * Harmony: Ollama then renders the prompt and parses channels and tool calls itself. When the model is gpt-oss
 * but its template is not Harmony (a GGUF imported with a ChatML template: field report 000), Ollama silently
 * drops its Harmony parser, so `auto` takes the raw route instead — Overtone renders the prompt, Ollama only
 * runs the model. An unknown template (hosted servers do not show it) counts as fine.
 */
export function chooseOllamaRoute(
  requested: Route | undefined,
  model: { gptOss?: boolean; template?: "harmony" | "chatml" | "other" | "missing" },
): "chat" | "raw" {
  if (requested === "chat" || requested === "raw") return requested;
  return model.gptOss === true && ollamaTemplateBroken(model.template) ? "raw" : "chat";
}

/** True when an Ollama model file's template cannot carry Harmony (Ollama then skips its Harmony parser). */
export function ollamaTemplateBroken(
  template: "harmony" | "chatml" | "other" | "missing" | undefined,
): boolean {
  return template === "chatml" || template === "other";
}

/** The notice for a gpt-oss model whose Ollama template is not Harmony, by the route that was taken. */
export function ollamaTemplateNotice(model: string, template: string, route: "chat" | "raw"): string {
  const problem = `the Ollama model ${model} is gpt-oss but its template is ${template}, not Harmony`;
  return route === "raw"
    ? `${problem}; Overtone rendered the Harmony prompt itself (raw route). Fix the model file's TEMPLATE to use /api/chat`
    : `${problem}: Ollama skips its Harmony parser, so channels, reasoning effort and tool calls are lost; use the raw route or fix the model file's TEMPLATE`;
}
