import { HarmonyParseError, InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { parseCompletionTokens, parseMessagesFromCompletionTokens } from "./parse.js";
import type { ParserEvent } from "./parser-types.js";
import { CALL, END, MESSAGE, RETURN, START } from "./special-tokens.js";
import { StreamableParser } from "./streamable-parser.js";
import { encodeOrdinary, encodeWithSpecialTokens as tokens } from "./tokenizer.js";
import type { Role } from "./types.js";

const BROKEN = 9552; // bytes 20 F0 9F: a space, then a 4-byte sequence that is never finished

function feed(parser: StreamableParser, ids: readonly number[]): StreamableParser {
  for (const id of ids) parser.process(id);
  return parser;
}

function parseText(text: string, options: { role?: Role; strict?: boolean } = {}) {
  return parseCompletionTokens(tokens(text), options);
}

describe("states and getters", () => {
  it("starts in ExpectStart without a role, in Header with one", () => {
    const plain = new StreamableParser();
    expect([plain.state, plain.currentRole, plain.stateJson()]).toEqual([
      "ExpectStart",
      undefined,
      { state: "ExpectStart" },
    ]);
    const withRole = new StreamableParser({ role: "assistant" });
    expect([withRole.state, withRole.currentRole]).toEqual(["Header", "assistant"]);
    expect(withRole.stateJson()).toEqual({ state: "Header", header_tokens: [] });
  });

  it("rejects a role that does not exist", () => {
    expect(() => new StreamableParser({ role: "robot" as Role })).toThrow(InputError);
  });

  it("reports the header only while content streams, and the role the prompt named until then", () => {
    const parser = feed(
      new StreamableParser({ role: "assistant" }),
      tokens("<|channel|>commentary to=functions.f json"),
    );
    expect(parser.stateJson()).toEqual({ state: "Header", header_tokens: parser.tokens });
    expect([
      parser.currentChannel,
      parser.currentRecipient,
      parser.currentContentType,
      parser.currentContent,
    ]).toEqual([undefined, undefined, undefined, ""]);
    parser.process(MESSAGE);
    feed(parser, encodeOrdinary('{"a": 1}'));
    expect(parser.state).toBe("Content");
    expect([
      parser.currentRole,
      parser.currentChannel,
      parser.currentRecipient,
      parser.currentContentType,
    ]).toEqual(["assistant", "commentary", "functions.f", "json"]);
    expect(parser.currentContent).toBe('{"a": 1}');
    expect(parser.stateJson()).toEqual({
      state: "Content",
      header: {
        author: { role: "assistant" },
        recipient: "functions.f",
        channel: "commentary",
        content_type: "json",
      },
      content_tokens: encodeOrdinary('{"a": 1}'),
    });
    parser.process(CALL);
    expect([parser.state, parser.currentRole, parser.currentContent, parser.lastContentDelta]).toEqual([
      "ExpectStart",
      undefined,
      "",
      undefined,
    ]);
  });

  it("state_json of a tool header names the tool and writes absent fields as null", () => {
    const parser = feed(new StreamableParser(), tokens("<|start|>functions.f to=assistant<|message|>"));
    expect(parser.stateJson()).toEqual({
      state: "Content",
      header: {
        author: { role: "tool", name: "functions.f" },
        recipient: "assistant",
        channel: null,
        content_type: null,
      },
      content_tokens: [],
    });
  });

  it("keeps every token fed, including one that failed", () => {
    const parser = new StreamableParser();
    expect(() => parser.process(12606)).toThrow(HarmonyParseError);
    expect(parser.tokens).toEqual([12606]);
    expect(parser.state).toBe("ExpectStart");
  });
});

describe("messages and terminators", () => {
  it("records which token ended each message", () => {
    const parsed = parseText(
      "<|start|>assistant<|channel|>analysis<|message|>a<|end|>" +
        "<|start|>assistant to=functions.f<|channel|>commentary json<|message|>{}<|call|>" +
        "<|start|>assistant<|channel|>final<|message|>b<|return|>" +
        "<|start|>user<|message|>c",
    );
    expect(parsed.map((p) => p.terminator)).toEqual(["end", "call", "return", "eos"]);
    expect(parsed.map((p) => p.message.content)).toEqual([
      [{ type: "text", text: "a" }],
      [{ type: "text", text: "{}" }],
      [{ type: "text", text: "b" }],
      [{ type: "text", text: "c" }],
    ]);
  });

  it("turns special tokens inside content into their literal text", () => {
    const ids = [
      ...tokens("<|start|>assistant<|message|>a"),
      START,
      ...tokens("<|channel|>b<|constrain|>"),
      200014,
      MESSAGE,
    ];
    const [message] = parseMessagesFromCompletionTokens(ids);
    expect(message?.content).toEqual([
      { type: "text", text: "a<|start|><|channel|>b<|constrain|><|reserved_200014|><|message|>" },
    ]);
  });

  it("ends a message at EOS and is fine with EOS between messages", () => {
    const parser = feed(new StreamableParser(), tokens("<|start|>user<|message|>hi<|end|>"));
    parser.processEos().processEos();
    expect(parser.messages).toEqual([{ author: { role: "user" }, content: [{ type: "text", text: "hi" }] }]);
  });
});

describe("events", () => {
  it("reports message-start, every non-empty delta (= lastContentDelta) and message-end, in order", () => {
    const events: ParserEvent[] = [];
    const deltas: string[] = [];
    const parser = new StreamableParser({ role: "assistant", onEvent: (event) => events.push(event) });
    const ids = [
      ...tokens("<|channel|>analysis<|message|>"),
      ...encodeOrdinary("a 💖"),
      BROKEN,
      ...encodeOrdinary("b"),
      END,
      ...tokens("<|start|>assistant to=functions.f<|channel|>commentary<|message|>{}<|call|>"),
    ];
    for (const id of ids) {
      parser.process(id);
      if (parser.lastContentDelta) deltas.push(parser.lastContentDelta);
    }
    const reported = events.flatMap((e) => (e.type === "content-delta" ? [e.text] : []));
    expect(reported).toEqual(deltas);
    // each message: its start, its deltas, its end; the deltas are the text but for what upstream settles only
    // at the end (here the "b" held after the invalid bytes of BROKEN)
    let text = "";
    const shapes: string[] = [];
    const streamed: string[] = [];
    for (const event of events) {
      if (event.type === "content-delta") text += event.text;
      else if (event.type === "message-start") text = "";
      else streamed.push(text);
      if (shapes.at(-1) !== event.type) shapes.push(event.type);
    }
    expect(shapes).toEqual([
      "message-start",
      "content-delta",
      "message-end",
      "message-start",
      "content-delta",
      "message-end",
    ]);
    expect(streamed).toEqual(["a 💖 \uFFFD", "{}"]);
    expect(parser.messages.map((m) => m.content)).toEqual([
      [{ type: "text", text: "a 💖 \uFFFDb" }],
      [{ type: "text", text: "{}" }],
    ]);
    expect(events[0]).toEqual({ type: "message-start", header: { role: "assistant", channel: "analysis" } });
    expect(events.at(-1)).toEqual({ type: "message-end", parsed: parser.parsedMessages[1] });
    expect(parser.parsedMessages.map((p) => p.terminator)).toEqual(["end", "call"]);
  });
});

describe("non-strict recovery", () => {
  it("upstream's: a first message without <|message|> becomes content (kept as written, not word-joined)", () => {
    const text =
      "<|channel|>analysis I must\n refuse<|end|><|start|>assistant<|channel|>final<|message|>No.<|return|>";
    expect(parseText(text, { role: "assistant", strict: false })).toEqual([
      {
        message: {
          author: { role: "assistant" },
          content: [{ type: "text", text: "I must\n refuse" }],
          channel: "analysis",
        },
        terminator: "end",
      },
      {
        message: {
          author: { role: "assistant" },
          content: [{ type: "text", text: "No." }],
          channel: "final",
        },
        terminator: "return",
      },
    ]);
    // A stop token right after the role leaves nothing to keep.
    expect(parseMessagesFromCompletionTokens([RETURN], { role: "assistant", strict: false })).toEqual([]);
  });

  it("reports a recovered message through start and end events (its text only in the end, like held bytes)", () => {
    const events: ParserEvent[] = [];
    feed(
      new StreamableParser({ role: "assistant", strict: false, onEvent: (e) => events.push(e) }),
      tokens("I refuse<|end|>"),
    );
    expect(events).toEqual([
      { type: "repair", repair: { kind: "headerless-message", detail: "I refuse" } },
      { type: "message-start", header: { role: "assistant" } },
      {
        type: "message-end",
        parsed: {
          message: { author: { role: "assistant" }, content: [{ type: "text", text: "I refuse" }] },
          terminator: "end",
        },
      },
    ]);
  });
});

describe("StreamableParser and a leading U+FEFF", () => {
  it("keeps U+FEFF in the delta (a byte-order mark is content here, token 5574)", () => {
    const parser = new StreamableParser({ role: "assistant" });
    parser.process(MESSAGE).process(5574);
    expect(parser.lastContentDelta).toBe("\uFEFF");
    expect(parser.currentContent).toBe("\uFEFF");
  });
});
