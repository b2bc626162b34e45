/**
 * openai/harmony v0.0.8's parsing vectors: the four parse files of test/fixtures/harmony and every inline case
 * of a parse kind in inline-vectors.json, checked as upstream's tests check them (strict and non-strict).
 */
import { readFileSync } from "node:fs";
import { HarmonyParseError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import {
  parseCompletionTokens,
  parseMessagesFromCompletionTokens,
} from "../../packages/harmony/src/parse.js";
import { StreamableParser } from "../../packages/harmony/src/streamable-parser.js";
import { encodeOrdinary, encodeWithSpecialTokens } from "../../packages/harmony/src/tokenizer.js";
import type { Message, Role } from "../../packages/harmony/src/types.js";

const FIXTURES = new URL("../fixtures/harmony/", import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8").replace(/\r\n/g, "\n").trimEnd();
}

function fixtureIds(name: string): number[] {
  return fixture(name).split(/\s+/).map(Number);
}

/** upstream's serde JSON shape of a message, which inline-vectors.json uses. */
type SerdeMessage = Record<string, string>;

function serde(message: Message): SerdeMessage {
  const out: SerdeMessage = { role: message.author.role };
  if (message.author.name !== undefined) out.name = message.author.name;
  expect(message.content).toHaveLength(1);
  const [part] = message.content;
  if (part?.type !== "text") throw new Error("parsed content is always one text part");
  out.content = part.text;
  if (message.channel !== undefined) out.channel = message.channel;
  if (message.recipient !== undefined) out.recipient = message.recipient;
  if (message.content_type !== undefined) out.content_type = message.content_type;
  return out;
}

function assistant(text: string, fields: Partial<Message> = {}): Message {
  return { author: { role: "assistant" }, content: [{ type: "text", text }], ...fields };
}

describe("parse files", () => {
  it("test_simple_reasoning_response.txt: analysis ended by <|return|>, final ended by EOS", () => {
    const parsed = parseCompletionTokens(fixtureIds("test_simple_reasoning_response.txt"), {
      role: "assistant",
    });
    expect(parsed).toEqual([
      {
        message: assistant('User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.', {
          channel: "analysis",
        }),
        terminator: "return",
      },
      { message: assistant("2 + 2 = 4.", { channel: "final" }), terminator: "eos" },
    ]);
  });

  it("test_simple_tool_call.txt: recipient before the channel, content type `code`", () => {
    const messages = parseMessagesFromCompletionTokens(fixtureIds("test_simple_tool_call.txt"), {
      role: "assistant",
    });
    expect(messages).toEqual([
      assistant('User asks: "What is the weather in Tokyo?" We need to use lookup_weather tool.', {
        channel: "analysis",
      }),
      assistant('{"location": "Tokyo"}', {
        channel: "analysis",
        recipient: "lookup_weather",
        content_type: "code",
      }),
    ]);
  });

  it("test_streamable_parser.txt: token by token without EOS gives exactly 3 messages", () => {
    const parser = new StreamableParser({ role: "assistant" });
    for (const token of encodeWithSpecialTokens(fixture("test_streamable_parser.txt"))) parser.process(token);
    expect(parser.messages).toHaveLength(3);
    const [analysis, call, result] = parser.parsedMessages;
    expect(analysis?.message.channel).toBe("analysis");
    expect(serde(analysis?.message as Message).content).toContain("But w\ne need");
    expect(analysis?.terminator).toBe("end");
    expect(call?.message).toEqual(
      assistant('{"query": "current US president July 2025", "topn": 10, "source": "news"}', {
        channel: "commentary",
        recipient: "browser.search",
        content_type: "code",
      }),
    );
    expect(call?.terminator).toBe("call");
    expect(result?.message).toEqual({
      author: { role: "tool", name: "browser.search" },
      recipient: "assistant",
      content: [{ type: "text", text: '{"result": "https://openai.com/"}' }],
      channel: "commentary",
    });
    expect(parser.state).toBe("ExpectStart");
  });

  it("test_tool_response_parsing.txt: a tool message parsed without a role, ended by EOS", () => {
    const parsed = parseCompletionTokens(encodeWithSpecialTokens(fixture("test_tool_response_parsing.txt")));
    expect(parsed).toEqual([
      {
        message: {
          author: { role: "tool", name: "browser.search" },
          recipient: "assistant",
          content: [{ type: "text", text: '{"result": "https://openai.com/"}' }],
          channel: "commentary",
        },
        terminator: "eos",
      },
    ]);
  });
});

interface InlineCase {
  id: string;
  input_text?: string;
  input_token_ids?: number[];
  parse_role?: Role | null;
  api?: string;
  strict_result?: string;
  expected_messages?: SerdeMessage[];
  non_strict_expected_messages?: SerdeMessage[];
  expected?: Record<string, unknown>;
  expected_second_message?: SerdeMessage;
  expected_message_count?: number;
  expected_after?: { last_content_delta: string | null; current_content: string };
  content_text?: string;
}

const inline = JSON.parse(readFileSync(new URL("inline-vectors.json", FIXTURES), "utf8")) as {
  cases: InlineCase[];
};
const NOT_PARSING = new Set([
  "training_render_final_uses_return",
  "render_single_equals_conversation",
  "tokenizer_basics",
]);
const START_ASSISTANT_MESSAGE = encodeWithSpecialTokens("<|start|>assistant<|message|>");
const END_TOKENS = encodeWithSpecialTokens("<|end|>");
/** Token 9552 is the bytes 20 F0 9F: a space and the start of a 4-byte sequence that never completes. */
const BROKEN = 9552;

/** The inputs the cases describe in prose (`input_token_ids_desc`), built as described. */
const DESCRIBED_INPUTS: Record<string, () => number[]> = {
  utf8_invalid_bytes_replaced: () => [
    ...START_ASSISTANT_MESSAGE,
    BROKEN,
    BROKEN,
    ...encodeWithSpecialTokens("worked<|end|>"),
  ],
  utf8_invalid_then_valid: () => [...START_ASSISTANT_MESSAGE, BROKEN, ...encodeOrdinary("XY"), ...END_TOKENS],
  utf8_invalid_then_word: () => [
    ...START_ASSISTANT_MESSAGE,
    BROKEN,
    ...encodeOrdinary(" interesting"),
    ...END_TOKENS,
  ],
  utf8_invalid_no_eos_deltas: () => [
    ...START_ASSISTANT_MESSAGE,
    BROKEN,
    ...encodeOrdinary(" interesting"),
    ...encodeOrdinary(" story"),
  ],
  utf8_partial_flushed_on_eos: () => [...START_ASSISTANT_MESSAGE, BROKEN, ...encodeOrdinary("Hi")],
  utf8_no_leak_between_messages: () => [
    ...START_ASSISTANT_MESSAGE,
    BROKEN,
    BROKEN,
    ...END_TOKENS,
    ...START_ASSISTANT_MESSAGE,
    ...encodeOrdinary("Hi"),
    ...END_TOKENS,
  ],
  utf8_multi_token_emoji: () => [...START_ASSISTANT_MESSAGE, ...encodeOrdinary("💖"), ...END_TOKENS],
  invalid_token_id_in_content: () => [
    ...encodeWithSpecialTokens(
      "<|start|>assistant<|channel|>analysis<|message|>Practice invalid token handling.",
    ),
    4294967295,
  ],
  tricky_utf8_roundtrip: () => [
    ...START_ASSISTANT_MESSAGE,
    ...encodeOrdinary(inline.cases.find((c) => c.id === "tricky_utf8_roundtrip")?.content_text ?? ""),
    ...END_TOKENS,
  ],
};

/**
 * Cases whose messages lenient parsing makes differently on purpose: an unknown id in content is dropped (a
 * `stray-token` repair), where upstream silences the rest of the message and ends it in U+FFFD.
 */
const LENIENT_DIFFERS: Record<string, unknown[]> = {
  invalid_token_id_in_content: [
    { role: "assistant", content: "Practice invalid token handling.", channel: "analysis" },
  ],
};

function inputOf(vector: InlineCase): number[] {
  if (vector.input_token_ids) return vector.input_token_ids;
  if (vector.input_text !== undefined) return encodeWithSpecialTokens(vector.input_text);
  const build = DESCRIBED_INPUTS[vector.id];
  if (!build) throw new Error(`no input for inline case ${vector.id}`);
  return build();
}

/** Runs the case's API: a StreamableParser fed token by token (EOS only where the case says so), or a parse. */
function run(vector: InlineCase, strict: boolean): { parser: StreamableParser; deltas: string[] } {
  const parser = new StreamableParser({ ...(vector.parse_role ? { role: vector.parse_role } : {}), strict });
  const deltas: string[] = [];
  for (const token of inputOf(vector)) {
    parser.process(token);
    if (parser.lastContentDelta !== undefined) deltas.push(parser.lastContentDelta);
  }
  const streaming = vector.api?.startsWith("StreamableParser") ?? false;
  if (!streaming || vector.api?.includes("process_eos")) parser.processEos();
  return { parser, deltas };
}

describe("inline vectors", () => {
  const parseCases = inline.cases.filter((vector) => !NOT_PARSING.has(vector.id));

  it("covers every parse case of inline-vectors.json", () => {
    expect(parseCases.length).toBeGreaterThanOrEqual(17);
    for (const vector of parseCases) expect(() => inputOf(vector)).not.toThrow();
  });

  for (const vector of parseCases) {
    it(vector.id, () => {
      if (vector.strict_result !== undefined) {
        const expected = /'(.*)'/.exec(vector.strict_result)?.[1];
        let thrown: unknown;
        try {
          run(vector, true);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(HarmonyParseError);
        if (expected) expect((thrown as Error).message).toContain(expected);
        expect(run(vector, false).parser.messages.map(serde)).toEqual(vector.non_strict_expected_messages);
        return;
      }
      const { parser, deltas } = run(vector, true);
      const messages = parser.messages.map(serde);
      if (vector.expected_messages) expect(messages).toEqual(vector.expected_messages);
      // Messages that parse strictly parse the same way without strict, but where lenient parsing repairs
      // what strict parsing takes as it comes (LENIENT_DIFFERS).
      expect(run(vector, false).parser.messages.map(serde)).toEqual(LENIENT_DIFFERS[vector.id] ?? messages);
      if (vector.expected_message_count !== undefined)
        expect(messages).toHaveLength(vector.expected_message_count);
      if (vector.expected_second_message) expect(messages[1]).toEqual(vector.expected_second_message);
      if (vector.expected_after) {
        expect(parser.lastContentDelta ?? null).toBe(vector.expected_after.last_content_delta);
        expect(parser.currentContent).toBe(vector.expected_after.current_content);
      }
      if (vector.id === "tricky_utf8_roundtrip") {
        expect(messages).toEqual([{ role: "assistant", content: vector.content_text }]);
        expect(deltas.join("")).toBe(vector.content_text);
      }
      if (vector.id === "utf8_invalid_no_eos_deltas") {
        const expected = vector.expected as {
          current_content: string;
          concat_of_non_null_last_content_delta: string;
          "after_processing_encode('Y')[0]": { last_content_delta: string; current_content: string };
        };
        expect(parser.currentContent).toBe(expected.current_content);
        expect(deltas.join("")).toBe(expected.concat_of_non_null_last_content_delta);
        expect(deltas).toEqual([" ", "\uFFFD", " interesting story"]);
        parser.process(encodeOrdinary("Y")[0] as number);
        const after = expected["after_processing_encode('Y')[0]"];
        expect(parser.lastContentDelta).toBe(after.last_content_delta);
        expect(parser.currentContent).toBe(after.current_content);
      }
      if (vector.id === "utf8_multi_token_emoji") {
        const steps = vector.expected as Record<
          string,
          { last_content_delta: string | null; current_content: string }
        >;
        const stepper = new StreamableParser();
        const [first, second] = encodeOrdinary("💖");
        for (const token of START_ASSISTANT_MESSAGE) stepper.process(token);
        stepper.process(first as number);
        expect(stepper.lastContentDelta ?? null).toBe(steps.after_first_emoji_token?.last_content_delta);
        expect(stepper.currentContent).toBe(steps.after_first_emoji_token?.current_content);
        stepper.process(second as number);
        expect(stepper.lastContentDelta ?? null).toBe(steps.after_second_emoji_token?.last_content_delta);
        expect(stepper.currentContent).toBe(steps.after_second_emoji_token?.current_content);
      }
    });
  }
});
