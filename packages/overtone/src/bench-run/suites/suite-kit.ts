/**
 * What the built-in suites share: the assistant's prompts as a case's conversation, exactly as the assistant
 * service sends them, and the checks: whether reasoning leaked into an answer, and whether an answer is a list.
 *
 * Checks: whether reasoning leaked into an answer, and whether an answer is a list.
 * A leak is what report 004's readers would have seen as "the model rambles": the answer holds Harmony markup
 * (`<|channel|>`, or its text left behind when a server stripped the tokens, `assistantfinal`), a `Thinking:`
 * block (Ollama's showThinking), the opening of the model's own reasoning, or starts the way gpt-oss's analysis
 * does ("We need to…", "The user asks…") — never the way an answer to the user does.
 */
import type { Conversation } from "@overtone/harmony";
import { agentConversation } from "../../agent/prompt-builder.js";
import type { AssistPrompt } from "../../assist/assist-model.js";
import { type ListStyle, parseList } from "../../assist/list-parsing.js";
import type { Effort } from "../../backends/contract.js";

/** The assistant's effort (assist-model.ts): a case graded on its prompts is asked the same way. */
export const ASSIST_EFFORT: Effort = "medium";

/** One system and one developer message (agent kit), the user's text as the user message. */
export function assistConversation(prompt: AssistPrompt, effort: Effort = ASSIST_EFFORT): Conversation {
  return agentConversation({
    identity: prompt.identity,
    sections: prompt.sections,
    effort,
    question: prompt.question,
  });
}

const MARKUP =
  /<\|(?:start|channel|message|end|return|call|constrain)\|>|\bassistant(?:final|analysis|commentary)\b/;
const THINKING_BLOCK = /^\s*(?:thinking\s*:|<think>|analysis\s*:)/i;
const ANALYSIS_OPENING =
  /^\s*(?:we need to|we should|we have to|let's think|the user (?:asks|wants|says|is asking|requests))\b/i;
/** A quoted stretch of reasoning this long in the answer is reasoning, not a coincidence. */
const QUOTED_REASONING_CHARS = 40;

/** Why the answer holds reasoning, or undefined when it holds none that shows. */
export function reasoningLeak(answer: string, reasoning: string): string | undefined {
  const markup = MARKUP.exec(answer);
  if (markup !== null) return `the answer holds Harmony markup (${markup[0]})`;
  if (THINKING_BLOCK.test(answer)) return "the answer opens with a thinking block";
  if (ANALYSIS_OPENING.test(answer)) {
    return `the answer opens like reasoning ("${answer.trim().slice(0, 40)}…")`;
  }
  const opening = reasoning.trim().replace(/\s+/g, " ").slice(0, QUOTED_REASONING_CHARS);
  if (opening.length === QUOTED_REASONING_CHARS && answer.replace(/\s+/g, " ").includes(opening)) {
    return "the answer repeats the model's reasoning";
  }
  return undefined;
}

/** Styles that mean the model wrote a list, as opposed to lines or sentences the parser fell back to. */
const LIST_STYLES: ReadonlySet<ListStyle> = new Set(["numbered", "bulleted", "json"]);

export interface ListReading {
  items: string[];
  /** The answer was a list (numbered, bulleted or a JSON array): report 004's parsed_ok. */
  isList: boolean;
}

/** The answer's items by the assistant's tolerant parser (list-parsing.ts), the one its service uses. */
export function readList(answer: string): ListReading {
  const list = parseList(answer);
  return { items: list.items, isList: LIST_STYLES.has(list.style) };
}

/** The first characters of an answer for a failure message: enough to recognise it, one line. */
export function excerpt(text: string, length = 80): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= length ? JSON.stringify(line) : `${JSON.stringify(line.slice(0, length))}…`;
}
