import { describe, expect, it } from "vitest";
import { parseHeaderWithoutStart, readHeader } from "./header-tokens.js";
import { encodeWithSpecialTokens as tokens } from "./tokenizer.js";

const json = "<|constrain|>json";

describe("readHeader: a header closed by <|message|>", () => {
  it("parses it, or fails with upstream's texts", () => {
    expect(readHeader(tokens("assistant<|channel|>final"), undefined, false)).toEqual({
      ok: true,
      header: { role: "assistant", channel: "final" },
    });
    expect(readHeader(tokens("assistant<|channel|>final a b c"), undefined, false)).toEqual({
      ok: false,
      error: 'unexpected tokens remaining in message header: Some("a")',
      leftover: true,
    });
    expect(readHeader([9552], "assistant", false)).toEqual({
      ok: false,
      error: "could not decode header",
      leftover: false,
    });
    expect(readHeader([], undefined, false)).toEqual({
      ok: false,
      error: "message header did not contain a role",
      leftover: false,
    });
  });

  it("reads a header that lost its <|start|> the lenient way", () => {
    expect(readHeader(tokens("commentary to=functions.x json"), undefined, true)).toEqual({
      ok: true,
      header: { role: "assistant", recipient: "functions.x", channel: "commentary", content_type: "json" },
    });
  });
});

describe("parseHeaderWithoutStart (non-strict, a header that lost its <|start|>)", () => {
  it("reads a leading bare word as the channel of an assistant message", () => {
    expect(parseHeaderWithoutStart("commentary to=functions.x <|constrain|>json")).toEqual({
      ok: true,
      header: { role: "assistant", recipient: "functions.x", channel: "commentary", content_type: json },
      remaining: undefined,
    });
  });

  it("keeps marked channels, role words and recipients as they are", () => {
    expect(parseHeaderWithoutStart("<|channel|>final")).toMatchObject({
      header: { role: "assistant", channel: "final" },
    });
    expect(parseHeaderWithoutStart("assistant<|channel|>analysis")).toMatchObject({
      header: { role: "assistant", channel: "analysis" },
    });
    expect(parseHeaderWithoutStart("to=functions.x<|channel|>commentary json")).toEqual({
      ok: true,
      header: { role: "assistant", recipient: "functions.x", channel: "commentary", content_type: "json" },
      remaining: undefined,
    });
  });
});
