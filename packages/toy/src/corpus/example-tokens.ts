/**
 * A training example's token ids and loss mask. The ids are exactly Overtone's training render of the whole
 * conversation with analysis kept (`renderConversationForTraining(…, { autoDropAnalysis: false })`): the turn's
 * own analysis must stay, and earlier turns carry none. The mask is 1 exactly on what the model generates: from
 * after a prompt's trailing `<|start|>assistant` through the `<|call|>` or `<|return|>` that ends its run,
 * including the `<|start|>assistant` headers of later messages in that run; 0 on everything it is given.
 */

import type { Message } from "@overtone/harmony";
import { END, RETURN, renderMessage } from "@overtone/harmony";
import type { TurnSegment } from "./assistant-turn.js";

export interface ExampleTokens {
  tokens: Uint32Array;
  lossMask: Uint8Array;
  /** Where each generated run starts (the first masked token) and ends (one past its last). */
  runs: { start: number; end: number }[];
}

/** `<|start|>assistant`: the prompt ends with it, so a run's first message header begins after these two ids. */
const PROMPT_HEADER_LENGTH = 2;

function hasFunctionTools(messages: readonly Message[]): boolean {
  return messages.some((m) =>
    m.content.some((c) => c.type === "developer_content" && (c.tools?.functions?.tools.length ?? 0) > 0),
  );
}

/** Renders of shared (frozen) system and developer messages, by identity and by the function-tools flag. */
const renders = new WeakMap<Message, { [flag: string]: readonly number[] }>();

function render(message: Message, functionTools: boolean): readonly number[] {
  if (!Object.isFrozen(message))
    return renderMessage(message, { conversationHasFunctionTools: functionTools });
  let entry = renders.get(message);
  if (entry === undefined) {
    entry = {};
    renders.set(message, entry);
  }
  const flag = String(functionTools);
  entry[flag] ??= renderMessage(message, { conversationHasFunctionTools: functionTools });
  return entry[flag];
}

export function exampleTokens(prompt: readonly Message[], segments: readonly TurnSegment[]): ExampleTokens {
  const functionTools = hasFunctionTools(prompt);
  const ids: number[] = [];
  const mask: number[] = [];
  const runs: { start: number; end: number }[] = [];
  const append = (message: Message, masked: (index: number) => boolean) => {
    const rendered = render(message, functionTools);
    for (let i = 0; i < rendered.length; i++) {
      ids.push(rendered[i] as number);
      mask.push(masked(i) ? 1 : 0);
    }
  };
  for (const m of prompt) append(m, () => false);
  for (const segment of segments) {
    if (!segment.generated) {
      for (const m of segment.messages) append(m, () => false);
      continue;
    }
    const start = ids.length + PROMPT_HEADER_LENGTH;
    segment.messages.forEach((m, i) => {
      append(m, (at) => i > 0 || at >= PROMPT_HEADER_LENGTH);
    });
    runs.push({ start, end: ids.length });
  }
  // A finished turn's final answer ends in <|return|>, the token the model emits when it is done.
  const last = segments[segments.length - 1]?.messages.at(-1);
  if (last?.author.role === "assistant" && last.channel === "final" && ids[ids.length - 1] === END) {
    ids[ids.length - 1] = RETURN;
  }
  return { tokens: Uint32Array.from(ids), lossMask: Uint8Array.from(mask), runs };
}
