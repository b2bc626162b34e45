/**
 * A turn's request options applied to a conversation: the reasoning effort (text in the system message, `Reasoning:
 * low`) and extra function tools (the developer message's `functions` namespace, where gpt-oss was trained to
 * find them). Every route that renders Harmony itself — the embedded engine, raw server routes — applies them
 * this one way. The caller's conversation is never modified; messages that change are copied.
 */
import {
  developerContent,
  developerMessage,
  systemContent,
  systemMessage,
  withFunctionTools,
  withTools,
} from "./builders.js";
import type { Content, Conversation, Message, ReasoningEffort, ToolDescription } from "./types.js";

export interface TurnOptions {
  /** Replaces the system message's reasoning effort. */
  effort?: ReasoningEffort;
  /** Added to the developer message's `functions` namespace (replacing tools of the same name). */
  tools?: readonly ToolDescription[];
}

/** The conversation with `options` applied, and a default system message first when it has none. */
export function withTurnOptions(conversation: Conversation, options: TurnOptions = {}): Conversation {
  let messages = [...conversation.messages];
  // Every gpt-oss chat template renders a system message; the model has never seen a prompt without one.
  if (!messages.some((m) => m.author.role === "system")) messages.unshift(systemMessage());
  if (options.effort !== undefined) messages = withRequestEffort(messages, options.effort);
  if (options.tools !== undefined && options.tools.length > 0)
    messages = withRequestTools(messages, options.tools);
  return { ...conversation, messages };
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
