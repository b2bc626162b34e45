/**
 * lenient-header.ts on its own: headers upstream's grammar rejects or misreads, read word by word, and the
 * normalization of headers it accepts. Each expectation names the header fields and the repairs.
 */
import { describe, expect, it } from "vitest";
import {
  decodeHeaderTokens,
  type LenientHeaderOptions,
  normalizeHeader,
  readLenientHeader,
} from "./lenient-header.js";
import type { MessageHeader } from "./parser-types.js";
import { encodeWithSpecialTokens } from "./tokenizer.js";

const afterStart: LenientHeaderOptions = {
  role: undefined,
  withoutStart: false,
  startImplied: false,
  end: "message",
};

describe("readLenientHeader: a header closed by <|message|>", () => {
  it("keeps the first channel, drops a second one and junk, finds recipient and content type", () => {
    expect(
      readLenientHeader("assistant<|channel|>commentary to=assistant<|channel|>commentary?", afterStart),
    ).toEqual({
      header: { role: "assistant", channel: "commentary" },
      text: "",
      repairs: [
        { kind: "junk-in-header", detail: "a second channel: commentary?" },
        { kind: "recipient-normalized", detail: "to=assistant on the assistant's own message" },
      ],
    });
    expect(readLenientHeader("assistant<|channel|>commentary ?? to=functions.x json", afterStart)).toEqual({
      header: { role: "assistant", channel: "commentary", recipient: "functions.x", content_type: "json" },
      text: "",
      repairs: [{ kind: "junk-in-header", detail: "??" }],
    });
  });

  it("reads a role glued to more, a channel word in the role's place, and a lone to=", () => {
    expect(readLenientHeader("assistantassistant<|channel|>final", afterStart).header).toEqual({
      role: "assistant",
      channel: "final",
    });
    expect(readLenientHeader("final", afterStart).header).toEqual({ role: "assistant", channel: "final" });
    expect(
      readLenientHeader("assistant<|channel|>commentary to= functions.x <|constrain|> json", afterStart),
    ).toEqual({
      header: {
        role: "assistant",
        channel: "commentary",
        recipient: "functions.x",
        content_type: "<|constrain|>json",
      },
      text: "",
      repairs: [{ kind: "recipient-with-spaces", detail: "functions.x" }],
    });
  });

  it("keeps upstream's tool-authored headers", () => {
    expect(readLenientHeader("functions.x to=assistant<|channel|>commentary extra", afterStart)).toEqual({
      header: { role: "tool", name: "functions.x", channel: "commentary", recipient: "assistant" },
      text: "",
      repairs: [{ kind: "junk-in-header", detail: "extra" }],
    });
  });
});

describe("readLenientHeader: a header closed by a stop token or the end", () => {
  const stop: LenientHeaderOptions = {
    role: "assistant",
    withoutStart: false,
    startImplied: false,
    end: "stop",
  };

  it("makes the free words the text, kept as written, and markup out of it", () => {
    expect(readLenientHeader("<|channel|>final I  cannot\nhelp.", stop)).toEqual({
      header: { role: "assistant", channel: "final" },
      text: "I  cannot\nhelp.",
      repairs: [{ kind: "free-text-channel-header", detail: "I  cannot\nhelp." }],
    });
    expect(readLenientHeader("<|channel|>final__HANDOFF__", stop).text).toBe("__HANDOFF__");
    expect(readLenientHeader("<|channel|>commentary to=functions.x json{}", stop).header).toEqual({
      role: "assistant",
      channel: "commentary",
      recipient: "functions.x",
    });
    expect(readLenientHeader("Fine <|constrain|>json then", stop)).toEqual({
      header: { role: "assistant" },
      text: "Fine json then",
      repairs: [
        { kind: "headerless-message", detail: "Fine json then" },
        { kind: "stray-token", detail: "<|constrain|>" },
      ],
    });
  });
});

describe("normalizeHeader: what upstream accepts but names no tool or channel", () => {
  it("moves a content type out of the recipient's place and cuts markup and junk", () => {
    const json: MessageHeader = { role: "assistant", channel: "final", recipient: "json" };
    expect(normalizeHeader(json)).toEqual([{ kind: "constrain-as-recipient", detail: "json" }]);
    expect(json).toEqual({ role: "assistant", channel: "final", content_type: "json" });
    const glued: MessageHeader = { role: "assistant", channel: "final__x", recipient: "f<|channel|>y" };
    expect(normalizeHeader(glued).map((r) => r.detail)).toEqual(["<|channel|>y", "__x"]);
    expect(glued).toEqual({ role: "assistant", channel: "final", recipient: "f" });
    const fine: MessageHeader = { role: "assistant", channel: "finalx", recipient: "functions.f" };
    expect(normalizeHeader(fine)).toEqual([]);
  });
});

describe("decodeHeaderTokens", () => {
  it("drops unknown ids and decodes the rest lossily", () => {
    expect(decodeHeaderTokens([...encodeWithSpecialTokens("<|channel|>final"), 4294967295])).toEqual({
      text: "<|channel|>final",
      repairs: [{ kind: "stray-token", detail: "1 unknown token id(s) in a header" }],
    });
  });
});
