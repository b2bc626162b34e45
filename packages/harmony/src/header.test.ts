import { describe, expect, it } from "vitest";
import {
  extractChannel,
  parseHeaderText,
  rustDebugString,
  rustTrim,
  splitAsciiWhitespace,
} from "./header.js";

const json = "<|constrain|>json";

describe("parseHeaderText: the header shapes of spec §7.2", () => {
  const shapes: [string, object][] = [
    ["assistant<|channel|>final", { role: "assistant", channel: "final" }],
    [
      "assistant to=functions.f<|channel|>commentary <|constrain|>json",
      { role: "assistant", recipient: "functions.f", channel: "commentary", content_type: json },
    ],
    [
      "assistant to=functions.f<|channel|>commentary<|constrain|>json",
      { role: "assistant", recipient: "functions.f", channel: "commentary", content_type: json },
    ],
    [
      "assistant<|channel|>commentary to=functions.f<|constrain|>json",
      { role: "assistant", recipient: "functions.f", channel: "commentary", content_type: json },
    ],
    [
      "assistant<|channel|>commentary to=functions.f <|constrain|>json",
      { role: "assistant", recipient: "functions.f", channel: "commentary", content_type: json },
    ],
    [
      "assistant<|channel|>analysis to=lookup_weather code",
      { role: "assistant", recipient: "lookup_weather", channel: "analysis", content_type: "code" },
    ],
    [
      "assistant to=lookup_weather<|channel|>analysis code",
      { role: "assistant", recipient: "lookup_weather", channel: "analysis", content_type: "code" },
    ],
    [
      "assistant<|channel|>commentary to=browser.search code",
      { role: "assistant", recipient: "browser.search", channel: "commentary", content_type: "code" },
    ],
    [
      "browser.search to=assistant<|channel|>commentary",
      { role: "tool", name: "browser.search", recipient: "assistant", channel: "commentary" },
    ],
    [
      "functions.x to=assistant<|channel|>commentary",
      { role: "tool", name: "functions.x", recipient: "assistant", channel: "commentary" },
    ],
    [
      "assistant to=functions.get_weather<|channel|>commentary json",
      { role: "assistant", recipient: "functions.get_weather", channel: "commentary", content_type: "json" },
    ],
    // upstream quirks kept as they are
    ["assistant commentary", { role: "assistant", recipient: "commentary" }],
    ["assistant y z", { role: "assistant", recipient: "y", content_type: "z" }],
    ["tool to=assistant", { role: "tool", name: "tool", recipient: "assistant" }],
    ["to=functions.x", { role: "tool", name: "to=functions.x" }],
    ["functions.x tool", { role: "tool", name: "functions.x" }],
    ["user", { role: "user" }],
  ];
  for (const [text, header] of shapes) {
    it(text, () => {
      expect(parseHeaderText(text, undefined, true)).toEqual({ ok: true, header, remaining: undefined });
    });
  }

  it("reads a structured-output header as a content type, not a recipient (openai/harmony PR #144)", () => {
    for (const text of [
      "assistant<|channel|>final <|constrain|>json",
      "assistant<|channel|>final<|constrain|>json",
    ]) {
      expect(parseHeaderText(text, undefined, true)).toEqual({
        ok: true,
        header: { role: "assistant", channel: "final", content_type: json },
        remaining: undefined,
      });
    }
  });

  it("uses a known role and then drops the role word if it is repeated", () => {
    expect(parseHeaderText("<|channel|>analysis", "assistant", true)).toEqual({
      ok: true,
      header: { role: "assistant", channel: "analysis" },
      remaining: undefined,
    });
    expect(parseHeaderText("assistant<|channel|>final", "assistant", true)).toMatchObject({
      header: { role: "assistant", channel: "final" },
    });
    // with a known role there is no role word, so a tool gets no name
    expect(parseHeaderText("to=assistant", "tool", true)).toMatchObject({
      header: { role: "tool", recipient: "assistant" },
    });
  });

  it("returns what is left over", () => {
    expect(parseHeaderText("assistant<|channel|>final a b c d", undefined, true)).toEqual({
      ok: true,
      header: { role: "assistant", recipient: "c", channel: "final", content_type: "d" },
      remaining: "a b",
    });
  });

  it("in recovery mode, everything after channel and role is content, words joined by single spaces", () => {
    expect(parseHeaderText("<|channel|>analysis I must\n\n refuse to=x json", "assistant", false)).toEqual({
      ok: true,
      header: { role: "assistant", channel: "analysis" },
      remaining: "I must refuse to=x json",
    });
  });

  it("fails with upstream's messages", () => {
    expect(parseHeaderText("functions.x<|channel|>commentary", undefined, true)).toEqual({
      ok: false,
      error: "Unknown role: functions.x",
    });
    expect(parseHeaderText("<|channel|>final", undefined, true)).toEqual({
      ok: false,
      error: "message header did not contain a role",
    });
    for (const text of [
      "assistant<|channel|>",
      "assistant<|channel|> final",
      "assistant<|channel|><|constrain|>json",
    ]) {
      expect(parseHeaderText(text, undefined, true)).toEqual({
        ok: false,
        error: "channel marker present but no channel value found in header",
      });
    }
  });
});

describe("Rust string semantics", () => {
  it("channel values end at Rust whitespace (U+0085, U+00A0 …) or '<', not at U+FEFF", () => {
    expect(extractChannel("a<|channel|>final\u00a0b")).toEqual({ channel: "final", rest: "a\u00a0b" });
    expect(extractChannel("<|channel|>final\u0085")).toEqual({ channel: "final", rest: "\u0085" });
    expect(extractChannel("<|channel|>final\ufeff x")).toEqual({ channel: "final\ufeff", rest: " x" });
    expect(extractChannel("<|channel|>a<|channel|>b")).toEqual({ channel: "a", rest: "<|channel|>b" });
  });

  it("trim is Unicode White_Space; splitting is ASCII whitespace only", () => {
    expect(rustTrim("\u000b\u3000 x \u0085")).toBe("x");
    expect(rustTrim("\ufeffx")).toBe("\ufeffx");
    expect(splitAsciiWhitespace(" a\tb\u000bc\u00a0d\fe\r\nf ")).toEqual(["a", "b\u000bc\u00a0d", "e", "f"]);
    // so a non-breaking space does not separate the role word
    expect(parseHeaderText("assistant<|channel|>final\u00a0x", undefined, true)).toEqual({
      ok: false,
      error: "Unknown role: assistant\u00a0x",
    });
  });

  it("formats leftovers as Rust's Debug of a String", () => {
    expect(rustDebugString('I must "refuse"')).toBe('"I must \\"refuse\\""');
    expect(rustDebugString("a\\b\u0001\u007f\u0000é")).toBe('"a\\\\b\\u{1}\\u{7f}\\0é"');
    // not printable for Rust: separators but the space, format characters, combining marks
    expect(rustDebugString("e\u0301 \u00a0\u2028\u200b😀")).toBe('"e\\u{301} \\u{a0}\\u{2028}\\u{200b}😀"');
  });
});
