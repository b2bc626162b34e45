/**
 * A prompt set for `surgery measure`: JSONL, one prompt per line — a JSON string (a user's text, rendered after
 * a default system message) or a Harmony conversation object in the `harmony render` input shape (or a bare
 * array of its messages). Each prompt is rendered with Overtone's Harmony renderer, and the position the stream
 * is read at is chosen by a rule (report 001 saw different results at different positions, so the rule is
 * recorded with the directions):
 *
 * - `assistant-start` (default): the last prompt token, `assistant` of the `<|start|>assistant` that opens the
 *   reply — where the model decides how to answer;
 * - `last-user`: the last token of the last user message's text;
 * - `final-start`: the first token of the final channel after an empty analysis
 *   (`<|channel|>analysis<|message|><|end|><|start|>assistant<|channel|>final<|message|>` appended).
 *
 * The file's sha256 goes into the directions' metadata, so a later step can warn when a set changed.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileSystemError, InputError } from "@overtone/errors";
import {
  type Conversation,
  conversation,
  conversationFromJson,
  encodeWithSpecialTokens,
  message,
  renderConversation,
  renderConversationForCompletion,
  systemContent,
  systemMessage,
} from "@overtone/harmony";

export const POSITION_RULES = ["assistant-start", "last-user", "final-start"] as const;
export type PositionRule = (typeof POSITION_RULES)[number];

export interface PromptSet {
  path: string;
  sha256: string;
  conversations: Conversation[];
}

/** What one prompt is evaluated as: its tokens, and the index whose residual stream is read. */
export interface MeasuredPrompt {
  tokens: number[];
  position: number;
}

const EMPTY_ANALYSIS_THEN_FINAL =
  "<|channel|>analysis<|message|><|end|><|start|>assistant<|channel|>final<|message|>";

export async function readPromptSet(path: string): Promise<PromptSet> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw fileSystemError(error, path, "read");
  });
  const conversations: Conversation[] = [];
  bytes
    .toString("utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      const where = `${path}:${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new InputError(`${where}: not a JSON value: ${(error as Error).message}`, {
          where,
          hint: 'one prompt per line: "a user\'s text" or {"messages": [...]}',
        });
      }
      conversations.push(promptConversation(value, where));
    });
  if (conversations.length === 0) {
    throw new InputError(`${path} has no prompts`, { where: path, hint: "one JSON prompt per line" });
  }
  return { path, sha256: createHash("sha256").update(bytes).digest("hex"), conversations };
}

function promptConversation(value: unknown, where: string): Conversation {
  if (typeof value === "string")
    return conversation([systemMessage(systemContent()), message("user", value)]);
  if (typeof value === "object" && value !== null) {
    return conversationFromJson(Array.isArray(value) ? { messages: value } : value, where);
  }
  throw new InputError(
    `${where}: a prompt is a JSON string or a conversation object, not ${JSON.stringify(value)}`,
    {
      where,
      hint: 'e.g. "What is 2 + 2?"',
    },
  );
}

/** The prompt's tokens and the position the rule reads. */
export function measuredPrompt(c: Conversation, rule: PositionRule): MeasuredPrompt {
  const tokens = renderConversationForCompletion(c, "assistant");
  if (rule === "assistant-start") return { tokens, position: tokens.length - 1 };
  if (rule === "final-start") {
    const all = [...tokens, ...encodeWithSpecialTokens(EMPTY_ANALYSIS_THEN_FINAL)];
    return { tokens: all, position: all.length - 1 };
  }
  const lastUser = c.messages.map((m) => m.author.role).lastIndexOf("user");
  if (lastUser < 0) {
    throw new InputError("a prompt has no user message to read the last token of (position rule last-user)", {
      where: "--position",
      hint: "use --position assistant-start, or give each prompt a user message",
    });
  }
  // Rendering is message by message, so the prefix up to that message ends where it ends in the whole prompt:
  // its last token is <|end|>, the one before it the message's last text token.
  const prefix = renderConversation(conversation(c.messages.slice(0, lastUser + 1)));
  if (prefix.some((t, i) => tokens[i] !== t)) {
    throw new InputError(
      "a prompt renders differently up to its last user message than whole (analysis dropped?)",
      {
        where: "--position",
        hint: "use --position assistant-start for conversations with earlier assistant turns",
      },
    );
  }
  return { tokens, position: prefix.length - 2 };
}
