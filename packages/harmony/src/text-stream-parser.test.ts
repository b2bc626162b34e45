import { readFileSync } from "node:fs";
import { HarmonyParseError } from "@overtone/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chunk,
  chunking,
  completion,
  recordText,
  recordTokens,
  TRICKY_FRAGMENTS,
} from "../../../test/harmony/completion-arbitraries.js";
import { parseMessagesFromText, TextStreamParser } from "./text-stream-parser.js";

const FIXTURES = new URL("../../../test/fixtures/harmony/", import.meta.url);

describe("TextStreamParser equals the token parser on encodeWithSpecialTokens(text)", () => {
  it("for rendered assistant turns, whatever the chunking", () => {
    fc.assert(
      fc.property(completion(), chunking, fc.boolean(), ({ text, role }, cuts, strict) => {
        const options = { ...(role ? { role } : {}), strict };
        const expected = recordTokens(text, options);
        expect(recordText(chunk(text, cuts), options)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("gives back the messages that were rendered", () => {
    fc.assert(
      fc.property(completion(), chunking, ({ text, role, messages }, cuts) => {
        const parsed = recordText(chunk(text, cuts), role ? { role } : {}).parsed.map(
          (entry) => entry.message,
        );
        expect(parsed).toEqual(messages);
      }),
      { numRuns: 200 },
    );
  });

  it("for arbitrary soups of special tokens, partial tokens and text (errors at the same character)", () => {
    const fragment = fc.oneof(
      fc.constantFrom(
        "<|start|>",
        "<|end|>",
        "<|message|>",
        "<|channel|>",
        "<|constrain|>",
        "<|call|>",
        "<|return|>",
      ),
      fc.constantFrom(
        "assistant",
        "user",
        "analysis",
        "final",
        " to=functions.f",
        " json",
        "functions.x",
        "hi",
      ),
      fc.constantFrom(...TRICKY_FRAGMENTS, "\uD83D", "\uDE00"),
      fc.string({ unit: "binary", maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 14 }),
        chunking,
        fc.constantFrom("assistant" as const, undefined),
        fc.boolean(),
        (pieces, cuts, role, strict) => {
          const text = pieces.join("");
          const options = { ...(role ? { role } : {}), strict };
          expect(recordText(chunk(text, cuts), options)).toEqual(recordTokens(text, options));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("for the upstream streaming vector, in 1-character chunks", () => {
    const text = readFileSync(new URL("test_streamable_parser.txt", FIXTURES), "utf8").trimEnd();
    const expected = recordTokens(text, { role: "assistant" });
    expect(expected.parsed).toHaveLength(3);
    expect(recordText(chunk(text, "each"), { role: "assistant" })).toEqual(expected);
  });
});

describe("TextStreamParser chunk boundaries", () => {
  it("joins a special token split across chunks", () => {
    const parser = new TextStreamParser({ role: "assistant" });
    parser.push("<|chan").push("nel|>final<|mess").push("age|>4<|").push("return|>").end();
    expect(parser.parsedMessages).toEqual([
      {
        message: { author: { role: "assistant" }, channel: "final", content: [{ type: "text", text: "4" }] },
        terminator: "return",
      },
    ]);
  });

  it("keeps a surrogate pair split across chunks whole", () => {
    const deltas: string[] = [];
    const parser = new TextStreamParser({
      role: "assistant",
      onEvent: (event) => event.type === "content-delta" && deltas.push(event.text),
    });
    parser.push("<|channel|>final<|message|>a\uD83D").push("\uDE00b").end();
    expect(parser.messages[0]?.content).toEqual([{ type: "text", text: "a😀b" }]);
    expect(deltas.join("")).toBe("a😀b");
    expect(deltas.join("")).not.toContain("\uFFFD");
  });

  it("leaves strings that only look like special tokens as text", () => {
    const text = "<|channel|>final<|message|>a <|reserved_300000|> b <|chan x<|end|>";
    expect(parseMessagesFromText(text, { role: "assistant" })[0]?.content).toEqual([
      { type: "text", text: "a <|reserved_300000|> b <|chan x" },
    ]);
  });

  it("does not hold back text that cannot become a special token", () => {
    const parser = new TextStreamParser({ role: "assistant" });
    parser.push("<|channel|>final<|message|>x <|cha");
    expect(parser.currentContent).toBe("x ");
    parser.push("t");
    expect(parser.currentContent).toBe("x <|chat");
    expect(parser.lastContentDelta).toBe("<|chat");
  });

  it("reports the content added by the last push as lastContentDelta", () => {
    const parser = new TextStreamParser({ role: "assistant" });
    parser.push("<|channel|>analysis<|message|>Hello ");
    expect(parser.lastContentDelta).toBe("Hello ");
    parser.push("world");
    expect(parser.lastContentDelta).toBe("world");
    expect(parser.currentChannel).toBe("analysis");
    parser.push("<|end|>");
    expect(parser.lastContentDelta).toBeUndefined();
    expect(parser.state).toBe("ExpectStart");
  });
});

describe("TextStreamParser errors", () => {
  it("gives the character offset of the offending text", () => {
    const text = "<|start|>user<|message|>hi 😀<|end|>oops";
    const parser = new TextStreamParser();
    let thrown: unknown;
    try {
      parser.push(text.slice(0, 20)).push(text.slice(20)).end();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HarmonyParseError);
    const error = thrown as HarmonyParseError;
    expect(error.offset).toBe(text.indexOf("oops"));
    expect(error.state).toBe("ExpectStart");
    expect(error.message).toContain(`at character ${text.indexOf("oops")}`);
    // The parser is spent: it keeps failing the same way instead of parsing on from an undefined state.
    expect(() => parser.push("more")).toThrow(error);
  });

  it("reports EOS inside a header at the end of the text", () => {
    const text = "<|channel|>final<|message|>4<|end|><|start|>assistant";
    expect(() => parseMessagesFromText(text, { role: "assistant" })).toThrow(
      expect.objectContaining({ offset: text.length, state: "Header" }),
    );
  });

  it("says that stripped special tokens can be put back when the text holds none", () => {
    const stripped = "analysisUser asks 2+2.assistantfinal2 + 2 = 4";
    const hintFor = (text: string) => {
      try {
        parseMessagesFromText(text, { role: "assistant" });
      } catch (error) {
        return (error as HarmonyParseError).hint;
      }
      throw new Error("expected a HarmonyParseError");
    };
    expect(hintFor(stripped)).toMatch(/recoverStrippedTokens: true puts them back/);
    expect(hintFor(stripped)).not.toMatch(/pass role/);
    // With a special token in the text, the tokens were not stripped: no such hint.
    expect(hintFor("<|channel|>final")).not.toMatch(/recoverStrippedTokens/);
    expect(parseMessagesFromText(stripped, { role: "assistant", recoverStrippedTokens: true })).toHaveLength(
      2,
    );
  });
});

describe("TextStreamParser chunk boundaries inside reserved tokens", () => {
  it("holds back a reserved token cut right after its six digits", () => {
    const split = new TextStreamParser({ role: "assistant" })
      .push("<|channel|>final<|message|>a<|reserved_200013")
      .push("|>b<|end|>")
      .end();
    const whole = parseMessagesFromText("<|channel|>final<|message|>a<|reserved_200013|>b<|end|>", {
      role: "assistant",
    });
    expect(split.messages).toEqual(whole);
    expect(whole[0]?.content).toEqual([{ type: "text", text: "a<|reserved_200013|>b" }]);
  });
});
