/**
 * An agent's prompt, built the one way gpt-oss reads it (issue 15; reference/bench-and-agent.md B7). Apps that
 * send several `system` messages (field report 002 sent four) lose all but the first: gpt-oss's chat templates
 * keep `messages[0]` as the developer message and silently drop the rest. Here the parts of a prompt are
 * sections that compose into exactly ONE system message (the identity, reasoning effort, date and channels) and
 * ONE developer message (every other section, under `# Instructions`, and the function tools), then the memory
 * (earlier questions and their final answers only), the question, and the turn in progress.
 *
 * For a model that does not speak Harmony, `legacyMessages` gives the same content as OpenAI-style chat messages:
 * one system message holding every section, then the memory and the question.
 */
import {
  type Conversation,
  conversation,
  developerContent,
  developerMessage,
  type Message,
  message,
  type ReasoningEffort,
  systemContent,
  systemMessage,
  type ToolDescription,
  withFunctionTools,
} from "@overtone/harmony";
import type { Effort } from "../backends/contract.js";
import type { MemoryTurn } from "./memory.js";

/** One part of the instructions: `## title` and its text. */
export interface PromptSection {
  title: string;
  text: string;
}

export interface AgentPrompt {
  /** Who the model is ("You are a careful data analyst."); default: gpt-oss's own identity line. */
  identity?: string;
  /** Task context, safety rules, output format, …: in order, into the one developer message. */
  sections?: readonly PromptSection[];
  tools?: readonly ToolDescription[];
  /** Reasoning effort for this task (task-effort.ts); default medium. */
  effort?: Effort;
  /** The conversation's date, YYYY-MM-DD; default today (UTC); false leaves the date line out. */
  date?: string | false;
  /** Earlier questions and their final answers (memory.ts). */
  memory?: readonly MemoryTurn[];
  question: string;
  /** The turn in progress after the question: tool calls and their results (tool-loop.ts). */
  turn?: readonly Message[];
}

const HARMONY_EFFORT: Record<Effort, ReasoningEffort> = { low: "Low", medium: "Medium", high: "High" };

/** The prompt as a Harmony conversation, ready for Overtone's renderer or any backend. */
export function agentConversation(prompt: AgentPrompt): Conversation {
  const system = systemContent({
    ...(prompt.identity !== undefined ? { model_identity: prompt.identity } : {}),
    reasoning_effort: HARMONY_EFFORT[prompt.effort ?? "medium"],
  });
  const date = prompt.date ?? new Date().toISOString().slice(0, 10);
  if (date !== false) system.conversation_start_date = date;
  const instructions = sectionsText(prompt.sections ?? []);
  const tools = prompt.tools ?? [];
  const messages: Message[] = [systemMessage(system)];
  if (instructions !== "" || tools.length > 0) {
    const content = developerContent(instructions !== "" ? { instructions } : {});
    messages.push(developerMessage(tools.length > 0 ? withFunctionTools(content, tools) : content));
  }
  for (const turn of prompt.memory ?? []) {
    messages.push(message("user", turn.question), message("assistant", turn.answer, { channel: "final" }));
  }
  messages.push(message("user", prompt.question), ...(prompt.turn ?? []));
  return conversation(messages);
}

/** An OpenAI-style chat message, for models without Harmony. */
export interface LegacyMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** The same prompt for a chat model that does not speak Harmony: one system message, memory, question. */
export function legacyMessages(prompt: AgentPrompt): LegacyMessage[] {
  const head = [prompt.identity, sectionsText(prompt.sections ?? [])].filter(
    (text) => text !== undefined && text !== "",
  );
  const messages: LegacyMessage[] = head.length > 0 ? [{ role: "system", content: head.join("\n\n") }] : [];
  for (const turn of prompt.memory ?? []) {
    messages.push({ role: "user", content: turn.question }, { role: "assistant", content: turn.answer });
  }
  messages.push({ role: "user", content: prompt.question });
  return messages;
}

/** Sections as markdown under the developer message's `# Instructions`: `## title`, a blank line, the text. */
export function sectionsText(sections: readonly PromptSection[]): string {
  return sections
    .filter((section) => section.text.trim() !== "")
    .map((section) => `## ${section.title}\n\n${section.text.trim()}`)
    .join("\n\n");
}
