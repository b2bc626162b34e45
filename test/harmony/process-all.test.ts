/**
 * `StreamableParser.processAll` (the one-shot parse's fast path) must leave the parser exactly as feeding the
 * same tokens one by one does: same messages, same error at the same offset, same state, tokens, current
 * content, last delta and `stateJson` — on random streams full of broken UTF-8, unknown ids and stray specials.
 * And the one-shot parse, which reuses its parser, must not let one call's results leak into the next.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCompletionTokens } from "../../packages/harmony/src/parse.js";
import type { ParserOptions } from "../../packages/harmony/src/parser-types.js";
import { StreamableParser } from "../../packages/harmony/src/streamable-parser.js";
import { partialUtf8Tokens, TOKEN, tokenStream } from "../oracle/arbitraries.js";
import { PROPERTY_SEED } from "../oracle/differential.js";

const ODD_IDS = [201_089, 2 ** 32 - 1, -1, 1.5, Number.NaN];

function snapshot(parser: StreamableParser, error: unknown) {
  return {
    error: error instanceof Error ? { ...error, message: error.message } : error,
    state: parser.state,
    tokens: parser.tokens,
    content: parser.currentContent,
    delta: parser.lastContentDelta,
    json: parser.stateJson(),
    messages: parser.parsedMessages,
  };
}

function oneByOne(tokens: readonly number[], options: ParserOptions) {
  const parser = new StreamableParser(options);
  try {
    for (const token of tokens) parser.process(token);
    return snapshot(parser, undefined);
  } catch (error) {
    return snapshot(parser, error);
  }
}

function allAtOnce(tokens: readonly number[], options: ParserOptions) {
  const parser = new StreamableParser(options);
  try {
    parser.processAll(tokens);
    return snapshot(parser, undefined);
  } catch (error) {
    return snapshot(parser, error);
  }
}

/** Streams with extra trouble spliced in: partial UTF-8 tokens, unknown ids, stop tokens inside content. */
const troubled = fc
  .tuple(
    tokenStream(true),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.oneof(
          fc.constantFrom(...partialUtf8Tokens()),
          fc.constantFrom(...ODD_IDS),
          fc.constantFrom(...Object.values(TOKEN)),
        ),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([tokens, inserts]) => {
    const out = [...tokens];
    for (const [at, token] of inserts) out.splice(at % (out.length + 1), 0, token);
    return out;
  });

describe("processAll", () => {
  it("matches process() token by token, strict and not", () => {
    fc.assert(
      fc.property(troubled, fc.boolean(), fc.boolean(), (tokens, strict, withRole) => {
        const options: ParserOptions = withRole ? { strict, role: "assistant" } : { strict };
        expect(allAtOnce(tokens, options)).toEqual(oneByOne(tokens, options));
      }),
      { seed: PROPERTY_SEED, numRuns: 3000 },
    );
  });

  it("matches process() when the content is long and the stream is cut inside it", () => {
    const long = [TOKEN.MESSAGE, ...Array.from({ length: 5000 }, (_, i) => 1000 + (i % 3000))];
    const options = { strict: true, role: "assistant" } as const;
    expect(allAtOnce(long, options)).toEqual(oneByOne(long, options));
  });
});

describe("parseCompletionTokens reusing its parser", () => {
  it("hands each call its own messages", () => {
    const first = parseCompletionTokens([TOKEN.MESSAGE, 1000, 1001, TOKEN.END], { role: "assistant" });
    const kept = JSON.stringify(first);
    const second = parseCompletionTokens([TOKEN.MESSAGE, 2000, TOKEN.END], { role: "user" });
    expect(JSON.stringify(first)).toBe(kept);
    expect(second).not.toBe(first);
    expect(second).toHaveLength(1);
    expect(second[0]?.message.author.role).toBe("user");
  });
});
