import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunk, chunking, completion, recordText } from "../../../test/harmony/completion-arbitraries.js";
import type { ParsedMessage } from "./parser-types.js";
import { parseMessagesFromText, TextStreamParser } from "./text-stream-parser.js";
import type { Message } from "./types.js";

const SPECIALS = /<\|(?:start|end|message|channel|constrain|call|return)\|>/g;
const strip = (text: string): string => text.replace(SPECIALS, "");

function parseStripped(
  chunks: readonly string[],
  role: "assistant" | undefined = "assistant",
): ParsedMessage[] {
  const parser = new TextStreamParser({ recoverStrippedTokens: true, ...(role ? { role } : {}) });
  for (const piece of chunks) parser.push(piece);
  return parser.end().parsedMessages;
}

const assistant = (fields: Omit<Message, "author" | "content">, text: string): Message => ({
  author: { role: "assistant" },
  ...fields,
  content: [{ type: "text", text }],
});

describe("stripped-token recovery", () => {
  it("splits reasoning from the answer (oobabooga/textgen#7374's shape)", () => {
    const text = 'analysisUser says "Hello". Respond politely.assistantfinalHello! How can I help?';
    expect(parseStripped([text])).toEqual([
      {
        message: assistant({ channel: "analysis" }, 'User says "Hello". Respond politely.'),
        terminator: "end",
      },
      { message: assistant({ channel: "final" }, "Hello! How can I help?"), terminator: "return" },
    ]);
  });

  it("reads a tool call with the recipient after the channel and a stripped <|constrain|>", () => {
    const text = 'analysisNeed weather.assistantcommentary to=functions.get_weather json{"location":"Paris"}';
    expect(parseStripped(chunk(text, "each"))).toEqual([
      { message: assistant({ channel: "analysis" }, "Need weather."), terminator: "end" },
      {
        message: assistant(
          { recipient: "functions.get_weather", channel: "commentary", content_type: "<|constrain|>json" },
          '{"location":"Paris"}',
        ),
        terminator: "call",
      },
    ]);
  });

  it("reads a recipient written before the channel, even a name that contains a channel word", () => {
    const text = 'analysisDone.assistant to=functions.final_answercommentary json{"a":1}';
    expect(parseStripped([text])[1]).toEqual({
      message: assistant(
        { recipient: "functions.final_answer", channel: "commentary", content_type: "<|constrain|>json" },
        '{"a":1}',
      ),
      terminator: "call",
    });
  });

  it("reads a python call with the code content type", () => {
    expect(parseStripped(["analysis to=python codeprint(6 * 7)"])[0]?.message).toEqual(
      assistant({ recipient: "python", channel: "analysis", content_type: "code" }, "print(6 * 7)"),
    );
  });

  it("reads the role word at the start when the prompt did not end in <|start|>assistant", () => {
    const parsed = parseStripped(["assistantanalysisHm.assistantfinal4"], undefined).map(
      (entry) => entry.message,
    );
    expect(parsed).toEqual([assistant({ channel: "analysis" }, "Hm."), assistant({ channel: "final" }, "4")]);
  });

  it("keeps `assistant` in content when no header follows it", () => {
    const text = "finalAsk the assistant to= help, or the assistant for a final answer.";
    expect(parseStripped([text])).toEqual([
      {
        message: assistant(
          { channel: "final" },
          "Ask the assistant to= help, or the assistant for a final answer.",
        ),
        terminator: "return",
      },
    ]);
  });

  it("takes ` json` as a content type without a recipient only when JSON follows", () => {
    expect(
      parseMessagesFromText('final json{"a":1}', { role: "assistant", recoverStrippedTokens: true }),
    ).toEqual(
      parseMessagesFromText('<|channel|>final <|constrain|>json<|message|>{"a":1}<|return|>', {
        role: "assistant",
      }),
    );
    expect(parseStripped(["final json is a format"])[0]?.message).toEqual(
      assistant({ channel: "final" }, " json is a format"),
    );
  });

  it("passes text that does not start like a header through unchanged", () => {
    const text = "<|start|>assistant<|channel|>final<|message|>4<|return|>";
    const plain = "Hello there";
    for (const input of [plain, strip(text).replace("final", "fi nal")]) {
      expect(recordText([input], { recoverStrippedTokens: true })).toEqual(recordText([input]));
    }
  });

  it("gives the messages of the unstripped text, whatever the chunking", () => {
    // Out of the heuristic's reach (see stripped-tokens.ts): messages without a channel, and content that
    // contains a boundary or a channel word.
    const safeContent = fc
      .array(
        fc.constantFrom(
          "The ",
          "user ",
          "asks",
          " 2+2",
          "😀",
          "é",
          "{",
          '"x"',
          "}",
          ".",
          "\n",
          "assist",
          "ant",
        ),
        {
          maxLength: 8,
        },
      )
      .map((pieces) => pieces.join(""))
      .filter((text) => !/assistant(?:analysis|commentary|final| to=)/.test(text));
    fc.assert(
      fc.property(completion(safeContent), chunking, ({ text, role, messages }, cuts) => {
        fc.pre(messages.every((message) => message.channel !== undefined));
        const expected = parseMessagesFromText(text, role ? { role } : {});
        expect(expected).toEqual(messages);
        expect(parseStripped(chunk(strip(text), cuts), role).map((entry) => entry.message)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("does not let an empty message's recipient run into the next header", () => {
    const parsed = parseStripped([" to=functions.get_weathercommentaryassistantfinalNo call needed."]);
    expect(parsed.map((entry) => entry.message)).toEqual([
      assistant({ recipient: "functions.get_weather", channel: "commentary" }, ""),
      assistant({ channel: "final" }, "No call needed."),
    ]);
  });

  it("never rewrites a completion whose special tokens come after some text", () => {
    for (const text of [
      "final answer<|end|>",
      " to=functions.final_answer <|constrain|>json<|message|>{}<|call|>",
    ]) {
      for (const strict of [true, false]) {
        const options = { role: "assistant" as const, strict };
        expect(recordText(chunk(text, "each"), { ...options, recoverStrippedTokens: true })).toEqual(
          recordText([text], options),
        );
      }
    }
  });

  it("never fires when real special tokens are present", () => {
    fc.assert(
      fc.property(completion(), chunking, ({ text, role }, cuts) => {
        const options = role ? { role } : {};
        const chunks = chunk(text, cuts);
        expect(recordText(chunks, { ...options, recoverStrippedTokens: true })).toEqual(
          recordText(chunks, options),
        );
      }),
      { numRuns: 200 },
    );
  });
});
