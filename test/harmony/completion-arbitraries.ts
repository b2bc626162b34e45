/**
 * Model completions for the stream-parsing property tests: assistant turns rendered by our renderer (special
 * tokens spelled out), cut at EOS or not, and ways to chunk text; plus recorders that run the token parser and
 * the text parser on the same text and report what each saw.
 */

import { HarmonyParseError } from "@overtone/errors";
import fc from "fast-check";
import type { MessageHeader, ParsedMessage, ParserEvent } from "../../packages/harmony/src/parser-types.js";
import { renderMessageText } from "../../packages/harmony/src/render-message.js";
import { StreamableParser } from "../../packages/harmony/src/streamable-parser.js";
import { type TextParserOptions, TextStreamParser } from "../../packages/harmony/src/text-stream-parser.js";
import { decode, encodeWithSpecialTokens } from "../../packages/harmony/src/tokenizer.js";
import type { Message } from "../../packages/harmony/src/types.js";

const SPECIAL_STRING =
  /<\|(?:startoftext|endoftext|return|constrain|channel|start|end|message|call|reserved_\d{6})\|>/;

/** Pieces that break naive text handling: partial special tokens, surrogate pairs, ZWJ emoji, combining marks. */
export const TRICKY_FRAGMENTS = [
  "<|",
  "<|chan",
  "nel|>",
  "|>",
  "<|end",
  "<<|",
  "<|reserved_",
  "<|reserved_300000|>",
  "😀",
  "👩‍💻",
  "𝔘",
  "é",
  "e\u0301",
  "\n",
  " ",
  "{",
  '"',
];

/** Text as a model might write it, never containing a whole special-token string. */
export const contentText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.string({ unit: "binary", maxLength: 6 }), fc.constantFrom(...TRICKY_FRAGMENTS)), {
    maxLength: 8,
  })
  .map((pieces) => pieces.join(""))
  .filter((text) => !SPECIAL_STRING.test(text));

export const RECIPIENTS = ["functions.get_weather", "browser.search", "python", "functions.final_answer"];

const assistantMessage = (content: fc.Arbitrary<string>): fc.Arbitrary<Message> =>
  fc
    .record({
      channel: fc.constantFrom("analysis", "commentary", "final", undefined),
      call: fc.option(
        fc.record({
          recipient: fc.constantFrom(...RECIPIENTS),
          contentType: fc.constantFrom("<|constrain|>json", "code", undefined),
        }),
        { nil: undefined },
      ),
      text: content,
    })
    .map(({ channel, call, text }) => ({
      author: { role: "assistant" },
      content: [{ type: "text", text }],
      ...(call !== undefined ? { recipient: call.recipient } : {}),
      ...(channel !== undefined ? { channel } : {}),
      ...(call?.contentType !== undefined ? { content_type: call.contentType } : {}),
    }));

export interface Completion {
  /** What the model sampled after the prompt. */
  text: string;
  /** `assistant` when the prompt ended in `<|start|>assistant` (the text then starts with the header). */
  role: "assistant" | undefined;
  messages: Message[];
  /** How the completion ends: the renderer's stop token, `<|return|>`, or nothing (EOS inside the last message). */
  ending: "rendered" | "return" | "eos";
}

export function completion(content: fc.Arbitrary<string> = contentText): fc.Arbitrary<Completion> {
  return fc
    .record({
      messages: fc.array(assistantMessage(content), { minLength: 1, maxLength: 4 }),
      role: fc.constantFrom("assistant" as const, undefined),
      ending: fc.constantFrom("rendered" as const, "return" as const, "eos" as const),
    })
    .map(({ messages, role, ending }) => {
      let text = messages.map((message) => renderMessageText(message)).join("");
      const last = messages[messages.length - 1] as Message;
      const stop = last.recipient !== undefined ? "<|call|>" : "<|end|>";
      if (ending !== "rendered")
        text = text.slice(0, -stop.length) + (ending === "return" ? "<|return|>" : "");
      if (role !== undefined) text = text.slice("<|start|>assistant".length);
      return { text, role, messages, ending };
    });
}

/** Cut `text` at the given points (taken modulo its length); "each" gives 1-character chunks. */
export function chunk(text: string, cuts: number[] | "each"): string[] {
  if (cuts === "each") return Array.from({ length: text.length }, (_, i) => text.charAt(i));
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(text.slice(last, point));
    last = point;
  }
  chunks.push(text.slice(last));
  return chunks;
}

export const chunking: fc.Arbitrary<number[] | "each"> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.nat(), { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant("each" as const) },
);

/** What one parser run produced: the messages, each message's header and concatenated deltas, and the error. */
export interface ParseRecord {
  parsed: ParsedMessage[];
  headers: MessageHeader[];
  deltas: string[];
  error?: { message: string; state: string; offset: number };
}

function recorder(): { record: ParseRecord; onEvent: (event: ParserEvent) => void } {
  const record: ParseRecord = { parsed: [], headers: [], deltas: [] };
  const onEvent = (event: ParserEvent): void => {
    if (event.type === "message-start") {
      record.headers.push(event.header);
      record.deltas.push("");
    } else if (event.type === "content-delta") {
      record.deltas[record.deltas.length - 1] += event.text;
    }
  };
  return { record, onEvent };
}

// The token id named in "Unexpected token N" depends on how the text was cut into tokens; the place does not.
function comparableMessage(message: string): string {
  return message
    .replace(/ \(at character \d+ of the text\)$/, "")
    .replace(/Unexpected token \d+/, "Unexpected token N");
}

/** The token parser on `encodeWithSpecialTokens(text)`, token by token; error offsets converted to characters. */
export function recordTokens(
  text: string,
  options: { role?: "assistant"; strict?: boolean } = {},
): ParseRecord {
  const { record, onEvent } = recorder();
  const tokens = encodeWithSpecialTokens(text);
  const parser = new StreamableParser({ ...options, onEvent });
  try {
    for (const token of tokens) parser.process(token);
    parser.processEos();
  } catch (error) {
    if (!(error instanceof HarmonyParseError)) throw error;
    const offset = decode(tokens.slice(0, error.offset)).length;
    record.error = { message: comparableMessage(error.message), state: error.state, offset };
  }
  record.parsed = parser.parsedMessages;
  return record;
}

/** The text parser on `chunks`. */
export function recordText(chunks: readonly string[], options: TextParserOptions = {}): ParseRecord {
  const { record, onEvent } = recorder();
  const parser = new TextStreamParser({ ...options, onEvent });
  try {
    for (const piece of chunks) parser.push(piece);
    parser.end();
  } catch (error) {
    if (!(error instanceof HarmonyParseError)) throw error;
    record.error = { message: comparableMessage(error.message), state: error.state, offset: error.offset };
  }
  record.parsed = parser.parsedMessages;
  return record;
}
