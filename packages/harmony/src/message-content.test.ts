/**
 * Content decoding as upstream streams it (spec §7.4), through the parser: deltas, held bytes, replacement
 * characters, unknown ids, and no leakage between messages.
 */
import { describe, expect, it } from "vitest";
import { parseMessagesFromCompletionTokens } from "./parse.js";
import { END } from "./special-tokens.js";
import { StreamableParser } from "./streamable-parser.js";
import { encodeOrdinary, encodeWithSpecialTokens as tokens } from "./tokenizer.js";

const BROKEN = 9552; // bytes 20 F0 9F: a space, then a 4-byte sequence that is never finished
const UNKNOWN = 4294967295;

function feed(parser: StreamableParser, ids: readonly number[]): StreamableParser {
  for (const id of ids) parser.process(id);
  return parser;
}

describe("content decoding (spec §7.4)", () => {
  const open = tokens("<|start|>assistant<|message|>");

  it("holds a cut-short character until it is complete", () => {
    const parser = feed(new StreamableParser(), open);
    const [first, second] = encodeOrdinary("💖");
    parser.process(first as number);
    expect([parser.lastContentDelta, parser.currentContent]).toEqual([undefined, ""]);
    parser.process(second as number);
    expect([parser.lastContentDelta, parser.currentContent]).toEqual(["💖", "💖"]);
  });

  it("emits one U+FFFD per invalid sequence and keeps the bytes after it for the next token", () => {
    const parser = feed(new StreamableParser(), [...open, BROKEN]);
    expect(parser.lastContentDelta).toBe(" ");
    parser.process(encodeOrdinary("XY")[0] as number);
    // F0 9F 'X' 'Y': the invalid F0 9F becomes U+FFFD; "XY" waits for the next token
    expect([parser.lastContentDelta, parser.currentContent]).toEqual(["\uFFFD", " \uFFFD"]);
    parser.process(END);
    expect(parser.messages[0]?.content).toEqual([{ type: "text", text: " \uFFFDXY" }]);
  });

  it("silences the rest of a message after an unknown token id, then ends it in one U+FFFD", () => {
    const parser = feed(new StreamableParser(), [
      ...open,
      ...encodeOrdinary("ok"),
      UNKNOWN,
      ...encodeOrdinary(" more"),
    ]);
    expect([parser.lastContentDelta, parser.currentContent]).toEqual([undefined, "ok"]);
    feed(parser, [END, ...open, ...encodeOrdinary("next"), END]);
    expect(parser.messages.map((m) => m.content)).toEqual([
      [{ type: "text", text: "ok\uFFFD" }],
      [{ type: "text", text: "next" }],
    ]);
  });

  it("puts bytes pending before an unknown token after its U+FFFD, as upstream concatenates them", () => {
    const [message] = parseMessagesFromCompletionTokens([...open, BROKEN, UNKNOWN, ...encodeOrdinary("Hi")]);
    expect(message?.content).toEqual([{ type: "text", text: " \uFFFD\uFFFD" }]);
  });

  it("treats ids that are not token ids (negative, fractional, too large) as unknown", () => {
    for (const id of [-1, 1.5, 201089, Number.NaN]) {
      const [message] = parseMessagesFromCompletionTokens([...open, ...encodeOrdinary("a"), id, END]);
      expect(message?.content).toEqual([{ type: "text", text: "a\uFFFD" }]);
    }
  });

  it("starts each message afresh, also after a longer one (content, current_content and state_json)", () => {
    const long = encodeOrdinary("one two three four five six seven eight nine ten");
    const parser = feed(new StreamableParser(), [...open, ...long, END, ...open, ...encodeOrdinary("x")]);
    expect(parser.currentContent).toBe("x");
    feed(parser, encodeOrdinary(" y"));
    expect(parser.currentContent).toBe("x y");
    expect(parser.stateJson()).toMatchObject({
      content_tokens: [...encodeOrdinary("x"), ...encodeOrdinary(" y")],
    });
    parser.process(END);
    expect(parser.messages.map((m) => m.content)).toEqual([
      [{ type: "text", text: "one two three four five six seven eight nine ten" }],
      [{ type: "text", text: "x y" }],
    ]);
  });

  it("re-encodes each emitted piece on its own for state_json, as upstream's content_tokens", () => {
    const parser = feed(new StreamableParser(), [...open, BROKEN, ...encodeOrdinary("XY")]);
    // pieces: " ", then U+FFFD (the "XY" bytes are still held)
    expect(parser.stateJson()).toMatchObject({
      content_tokens: [...encodeOrdinary(" "), ...encodeOrdinary("\uFFFD")],
    });
  });
});
