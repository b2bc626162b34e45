/**
 * Overtone's extensions of upstream's parser: PR #144's structured-output header (both modes) and, with
 * strict: false only, recovery from the malformed output real servers produce. Each case also checks that
 * strict mode still fails exactly as upstream does.
 */

import { HarmonyParseError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { parseCompletionTokens } from "./parse.js";
import type { ParsedMessage } from "./parser-types.js";
import { CHANNEL, MESSAGE, RETURN, START } from "./special-tokens.js";
import { encodeOrdinary, encodeWithSpecialTokens as tokens } from "./tokenizer.js";
import type { Message, Role } from "./types.js";

function assistant(text: string, fields: Partial<Message> = {}): Message {
  return { author: { role: "assistant" }, content: [{ type: "text", text }], ...fields };
}

function parse(text: string, strict: boolean, role?: Role): ParsedMessage[] {
  return parseCompletionTokens(tokens(text), { strict, ...(role ? { role } : {}) });
}

function strictFailure(text: string, role?: Role): HarmonyParseError {
  try {
    parse(text, true, role);
  } catch (error) {
    if (error instanceof HarmonyParseError) return error;
    throw error;
  }
  throw new Error("strict parsing should have failed");
}

describe("structured output header (openai/harmony PR #144), strict and not", () => {
  for (const header of ["final <|constrain|>json", "final<|constrain|>json"]) {
    for (const strict of [true, false]) {
      it(`<|channel|>${header} (strict: ${strict})`, () => {
        const expected = [
          {
            message: assistant('{"ok":true}', { channel: "final", content_type: "<|constrain|>json" }),
            terminator: "return",
          },
        ];
        expect(
          parse(`<|start|>assistant<|channel|>${header}<|message|>{"ok":true}<|return|>`, strict),
        ).toEqual(expected);
        expect(parse(`<|channel|>${header}<|message|>{"ok":true}<|return|>`, strict, "assistant")).toEqual(
          expected,
        );
      });
    }
  }
});

describe("strict: false recovers what upstream rejects or drops", () => {
  const analysis = { message: assistant("Need the tool.", { channel: "analysis" }), terminator: "end" };

  it("keeps a later message whose header a stop token closed (upstream drops it)", () => {
    const text =
      "<|start|>assistant<|channel|>analysis<|message|>Need the tool.<|end|>" +
      "<|start|>assistant<|channel|>final I cannot help with that.<|return|>";
    expect(parse(text, false)).toEqual([
      analysis,
      { message: assistant("I cannot help with that.", { channel: "final" }), terminator: "return" },
    ]);
    expect(strictFailure(text).message).toBe("Unexpected EOS while waiting for message header to complete");
  });

  it("reads a message that lost its <|start|>assistant after <|end|> or <|call|> (issues #60, #68)", () => {
    const text =
      "<|channel|>analysis<|message|>Need the tool.<|end|>" +
      'commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris"}<|call|>';
    const call = assistant('{"city":"Paris"}', {
      channel: "commentary",
      recipient: "functions.get_weather",
      content_type: "<|constrain|>json",
    });
    expect(parse(text, false, "assistant")).toEqual([analysis, { message: call, terminator: "call" }]);
    const first = encodeOrdinary("commentary")[0];
    expect(strictFailure(text, "assistant")).toMatchObject({
      message: `Unexpected token ${first} while expecting start token 200006`,
      offset: tokens("<|channel|>analysis<|message|>Need the tool.<|end|>").length,
      state: "ExpectStart",
    });
  });

  it("reads `<|channel|>…` and a plain `assistant` word as the start of an assistant header", () => {
    const afterCall = "<|start|>assistant to=functions.f<|channel|>commentary json<|message|>{}<|call|>";
    expect(
      parse(`${afterCall}<|channel|>final<|message|>Done.<|return|>`, false).map((p) => p.message),
    ).toEqual([
      assistant("{}", { channel: "commentary", recipient: "functions.f", content_type: "json" }),
      assistant("Done.", { channel: "final" }),
    ]);
    expect(
      parse(`${afterCall}assistant<|channel|>final<|message|>Done.<|return|>`, false)[1]?.message,
    ).toEqual(assistant("Done.", { channel: "final" }));
    expect(strictFailure(`${afterCall}<|channel|>final<|message|>Done.<|return|>`).message).toBe(
      `Unexpected token ${CHANNEL} while expecting start token 200006`,
    );
  });

  it("keeps text after a finished message as an assistant message ended by EOS", () => {
    const text = "<|channel|>final<|message|>Answer.<|end|>trailing  words";
    expect(parse(text, false, "assistant")).toEqual([
      { message: assistant("Answer.", { channel: "final" }), terminator: "end" },
      { message: assistant("trailing  words"), terminator: "eos" },
    ]);
    expect(strictFailure(text, "assistant").state).toBe("ExpectStart");
  });

  it("restarts a header at a stray <|start|>", () => {
    const text = "<|start|>assistant<|start|>assistant<|channel|>final<|message|>hi";
    expect(parse(text, false).map((p) => p.message)).toEqual([assistant("hi", { channel: "final" })]);
    expect(strictFailure(text).message).toBe("Unknown role: assistant<|start|>assistant");
    // junk between messages is dropped by the <|start|> that follows it
    const junk = "<|start|>user<|message|>a<|end|>\n\n<|start|>assistant<|message|>b";
    expect(parse(junk, false).map((p) => p.message.author.role)).toEqual(["user", "assistant"]);
  });

  it("ignores a stop token after a finished message (`<|end|><|return|>`)", () => {
    const text = "<|channel|>final<|message|>Answer.<|end|><|return|>";
    expect(parse(text, false, "assistant")).toEqual([
      { message: assistant("Answer.", { channel: "final" }), terminator: "end" },
    ]);
    expect(strictFailure(text, "assistant")).toMatchObject({
      message: `Unexpected token ${RETURN} while expecting start token 200006`,
      offset: tokens(text).length - 1,
    });
  });

  it("recovers where upstream has nothing to go on: it never throws", () => {
    const lenient = (ids: number[]) => parseCompletionTokens(ids, { strict: false });
    expect(lenient([MESSAGE])).toEqual([{ message: assistant(""), terminator: "eos" }]);
    expect(lenient([4294967295])).toEqual([]);
    expect(lenient([START, MESSAGE])).toEqual([{ message: assistant(""), terminator: "eos" }]);
    expect(lenient(tokens("<|start|>assistant"))).toEqual([]);
    expect(strictFailure("<|start|>assistant").message).toBe(
      "Unexpected EOS while waiting for message header to complete",
    );
  });
});
