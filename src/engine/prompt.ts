/**
 * A request's conversation, effort and tools → the prompt token ids the model sees, rendered by Overtone's own
 * Harmony renderer (never by llama.cpp's tokenizer: it turns `<|start|>`, `<|channel|>`, … typed inside user
 * text into special tokens, so a user could forge turns).
 *
 * Effort is text in the system message (`Reasoning: low`), so it is applied there; function tools belong in the
 * developer message's `functions` namespace, where gpt-oss was trained to find them. The caller's conversation
 * is never modified.
 */
import {
  type Content,
  type Conversation,
  developerContent,
  developerMessage,
  type Message,
  type ReasoningEffort,
  renderConversationForCompletion,
  systemContent,
  systemMessage,
  type ToolDescription,
  withFunctionTools,
  withTools,
} from "../harmony/index.js";

export type EngineEffort = "low" | "medium" | "high";

export interface PromptOptions {
  /** Replaces the system message's reasoning effort. */
  effort?: EngineEffort;
  /** Added to the developer message's `functions` namespace (replacing tools of the same name). */
  tools?: readonly ToolDescription[];
}

const EFFORTS: Record<EngineEffort, ReasoningEffort> = { low: "Low", medium: "Medium", high: "High" };

/**
 * The conversation with `options` applied, and a default system message first when it has none (a new object;
 * messages that change are copied). The same rules as the backends' gpt-oss profile (`conversationForRendering`).
 */
export function prepareConversation(conversation: Conversation, options: PromptOptions = {}): Conversation {
  let messages = [...conversation.messages];
  // Every gpt-oss chat template renders a system message; the model has never seen a prompt without one.
  if (!messages.some((m) => m.author.role === "system")) messages.unshift(systemMessage());
  if (options.effort !== undefined) messages = withRequestEffort(messages, EFFORTS[options.effort]);
  if (options.tools !== undefined && options.tools.length > 0)
    messages = withRequestTools(messages, options.tools);
  return { messages };
}

/** Prompt ids for the assistant's next turn: the prepared conversation, then `<|start|>assistant`. */
export function promptTokens(conversation: Conversation, options: PromptOptions = {}): number[] {
  return renderConversationForCompletion(prepareConversation(conversation, options), "assistant");
}

function withRequestEffort(messages: Message[], effort: ReasoningEffort): Message[] {
  const at = messages.findIndex(
    (m) => m.author.role === "system" && m.content.some((c) => c.type === "system_content"),
  );
  if (at < 0) {
    // A system message made only of text: the effort goes into a system content of its own.
    return messages.map((m) =>
      m.author.role === "system" ? { ...m, content: [...m.content, systemContentWith(effort)] } : m,
    );
  }
  const system = messages[at] as Message;
  const copy: Message = {
    ...system,
    content: system.content.map((c) =>
      c.type === "system_content" ? { ...c, reasoning_effort: effort } : c,
    ),
  };
  return messages.map((m, i) => (i === at ? copy : m));
}

function systemContentWith(effort: ReasoningEffort): Content {
  return { type: "system_content", ...systemContent({ reasoning_effort: effort }) };
}

function withRequestTools(messages: Message[], tools: readonly ToolDescription[]): Message[] {
  const at = messages.findIndex(
    (m) => m.author.role === "developer" && m.content.some((c) => c.type === "developer_content"),
  );
  if (at < 0) {
    // Right after the system message, where the developer message sits in gpt-oss's template.
    const after = messages.findIndex((m) => m.author.role !== "system");
    const index = after < 0 ? messages.length : after;
    const developer = developerMessage(withFunctionTools(developerContent(), tools));
    return [...messages.slice(0, index), developer, ...messages.slice(index)];
  }
  const developer = messages[at] as Message;
  const copy: Message = {
    ...developer,
    content: developer.content.map((c) => {
      if (c.type !== "developer_content") return c;
      const existing = c.tools?.functions?.tools ?? [];
      const names = new Set(tools.map((t) => t.name));
      const merged = [...existing.filter((t) => !names.has(t.name)), ...tools];
      return withTools(c, { name: "functions", tools: merged });
    }),
  };
  return messages.map((m, i) => (i === at ? copy : m));
}
