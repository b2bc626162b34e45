import { HarmonyParseError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { parseCompletionTokens, parseMessagesFromCompletionTokens } from "./parse.js";
import { partsFromTokens } from "./parts-stream.js";
import { END, MESSAGE, START } from "./special-tokens.js";
import { StreamableParser } from "./streamable-parser.js";
import { encodeOrdinary, encodeWithSpecialTokens as tokens } from "./tokenizer.js";
import type { Role } from "./types.js";

const BROKEN = 9552; // bytes 20 F0 9F: a space, then a 4-byte sequence that is never finished
const UNKNOWN = 4294967295;

function feed(parser: StreamableParser, ids: readonly number[]): StreamableParser {
  for (const id of ids) parser.process(id);
  return parser;
}

function failure(run: () => unknown): HarmonyParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof HarmonyParseError) return error;
    throw error;
  }
  throw new Error("expected a HarmonyParseError");
}

function parseText(text: string, options: { role?: Role; strict?: boolean } = {}) {
  return parseCompletionTokens(tokens(text), options);
}

describe("errors: upstream's messages, the offending token's offset, the state", () => {
  const cases: [string, () => unknown, string, number, string][] = [
    [
      "a start token is missing",
      () => parseText("hello"),
      "Unexpected token 24912 while expecting start token 200006",
      0,
      "ExpectStart",
    ],
    [
      "a stop token follows a finished message",
      () => parseText("<|start|>user<|message|>x<|end|><|end|>"),
      "Unexpected token 200007 while expecting start token 200006",
      5,
      "ExpectStart",
    ],
    [
      "the prompt itself is parsed",
      () => parseText("<|start|>assistant"),
      "Unexpected EOS while waiting for message header to complete",
      2,
      "Header",
    ],
    [
      "a header has leftover words",
      () =>
        parseText("I must refuse<|end|><|start|>assistant<|channel|>final<|message|>x", {
          role: "assistant",
        }),
      'unexpected tokens remaining in message header: Some("I")',
      8,
      "Header",
    ],
    [
      "a tool message lacks `to=`",
      () => parseText("<|start|>functions.x<|channel|>commentary<|message|>x"),
      "Unknown role: functions.x",
      6,
      "Header",
    ],
    [
      "a header has no role",
      () => parseText("<|start|><|message|>x"),
      "message header did not contain a role",
      1,
      "Header",
    ],
    [
      "a channel marker has no value",
      () => parseText("<|start|>assistant<|channel|> final<|message|>x"),
      "channel marker present but no channel value found in header",
      4,
      "Header",
    ],
    [
      "a header is not valid UTF-8",
      () => parseMessagesFromCompletionTokens([START, BROKEN, MESSAGE]),
      "could not decode header",
      2,
      "Header",
    ],
    [
      "a header holds an unknown id",
      () => parseMessagesFromCompletionTokens([START, UNKNOWN, MESSAGE]),
      "could not decode header",
      2,
      "Header",
    ],
  ];
  for (const [what, run, message, offset, state] of cases) {
    it(`when ${what}`, () => {
      expect(failure(run)).toMatchObject({ message, offset, state, code: "HARMONY_PARSE" });
    });
  }

  it("leaves the parser expecting <|start|> after a header fails, as upstream does", () => {
    const parser = new StreamableParser();
    expect(() => feed(parser, tokens("<|start|>functions.x<|message|>"))).toThrow(
      "Unknown role: functions.x",
    );
    expect(parser.state).toBe("ExpectStart");
    feed(parser, tokens("<|start|>user<|message|>ok<|end|>"));
    expect(parser.messages).toHaveLength(1);
  });

  it("non-strict recovery reads an undecodable header lossily instead of failing", () => {
    const recover = (ids: number[]) =>
      parseMessagesFromCompletionTokens(ids, { role: "assistant", strict: false }).map((m) => m.content);
    expect(recover([UNKNOWN, END])).toEqual([]);
    expect(recover([BROKEN, ...encodeOrdinary("XY"), END])).toEqual([[{ type: "text", text: "\uFFFDXY" }]]);
  });
});

describe("hints fit where the parse stood", () => {
  const reply = "<|channel|>final<|message|>It is sunny.<|return|>";

  it("a first message that starts with <|channel|> (a reply after <|start|>assistant) asks for role", async () => {
    const hint = failure(() => parseText(reply)).hint;
    expect(hint).toContain("pass role: 'assistant'");
    expect(hint).not.toMatch(/after the first/);
    expect(parseText(reply, { role: "assistant" })).toHaveLength(1);
    // The same through the README's partsFromTokens, whose error part carries the hint.
    const parts = [];
    for await (const part of partsFromTokens(tokens(reply))) parts.push(part);
    const error = parts.at(-1);
    expect(error?.type === "error" && (error.error as HarmonyParseError).hint).toContain("role: 'assistant'");
  });

  it("a later message without <|start|> is told so, and that strict: false recovers", () => {
    const hint = failure(() => parseText(`<|start|>user<|message|>x<|end|>${reply}`)).hint;
    expect(hint).toBe("every message after the first must begin with <|start|>; strict: false recovers");
  });

  it("a first message that starts with text is told about <|start|>, not about later messages", () => {
    expect(failure(() => parseText("hello")).hint).toBe(
      "the first message must begin with <|start|>; strict: false recovers",
    );
  });

  it("an unfinished first header does not suggest the role the caller already passed", () => {
    expect(failure(() => parseText("<|start|>assistant")).hint).toMatch(/pass role: 'assistant'/);
    const given = failure(() => parseText("finalIt is sunny.", { role: "assistant" })).hint;
    expect(given).not.toMatch(/role/);
    expect(given).toMatch(/before the first header's <\|message\|>/);
  });
});
