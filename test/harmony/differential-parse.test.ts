/**
 * Overtone's token parser against upstream's (the openai-harmony WASM oracle), strict mode, on random token
 * streams: the same messages or the same error from `parseMessagesFromCompletionTokens`, and token by token
 * the same state, role, channel, recipient, content type, content and last delta from the StreamableParser.
 *
 * Exclusions, each documented in docs/harmony-upstream-differences.md:
 * 1. `<|channel|>final <|constrain|>json` (a lone `<|constrain|>…` header part): upstream makes it the
 *    recipient; Overtone (PR #144) the content type. We check exactly that swap.
 * 2. The oracle predates openai/harmony#83 (UTF-8 replacement): content and deltas are compared only for
 *    messages whose content both decoders must read alike (see test/oracle/utf8-divergence.ts).
 * 3. The oracle prints "unexpected tokens remaining in message header" as `["a", "b"]`, v0.0.8 as
 *    `Some("a b")`: the oracle's text is rewritten to v0.0.8's before comparing.
 * 4. Non-strict mode: the oracle has none (fuzz.test.ts covers it for robustness).
 */

import { messageToJson, type Role, STOP_TOKENS } from "@overtone/harmony";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseMessagesFromCompletionTokens } from "../../packages/harmony/src/parse.js";
import { StreamableParser } from "../../packages/harmony/src/streamable-parser.js";
import { tokenStream } from "../oracle/arbitraries.js";
import { type Outcome, ours, PARSE_ERRORS, PROPERTY_SEED, upstream } from "../oracle/differential.js";
import { type HarmonyOracle, type JsonObject, loadHarmonyOracle } from "../oracle/harmony-oracle.js";
import type { OracleParserSnapshot } from "../oracle/oracle-streamable-parser.js";
import { Utf8DivergenceTracker } from "../oracle/utf8-divergence.js";

/** Per role; two roles, so twice this many streams in all. */
const RUNS = Number(process.env.HARMONY_PROPERTY_RUNS ?? 1000);
const CONSTRAIN = "<|constrain|>";

let oracle: HarmonyOracle;
beforeAll(async () => {
  oracle = await loadHarmonyOracle();
  console.info(`differential-parse: fast-check seed ${PROPERTY_SEED}, ${RUNS} runs per role`);
});

/** Exclusion 3: the oracle's pre-v0.0.8 `{:?}` of the leftover parts, rewritten as v0.0.8 prints it. */
function v008ErrorText(message: string): string {
  const leftover = /^unexpected tokens remaining in message header: \[(".*")\]$/s.exec(message);
  if (!leftover) return message;
  // Parts never contain a space (they come from split_ascii_whitespace), so `", "` only separates them.
  const joined = (leftover[1] as string).slice(1, -1).split('", "').join(" ");
  return `unexpected tokens remaining in message header: Some("${joined}")`;
}

/** Exclusion 1: upstream's lone-`<|constrain|>` recipient, as the content type Overtone makes it. */
function withConstrainFix<T extends { recipient?: unknown; content_type?: unknown }>(header: T): T {
  if (typeof header.recipient !== "string" || !header.recipient.startsWith(CONSTRAIN)) return header;
  if (header.content_type !== undefined) return header;
  const { recipient, ...rest } = header;
  return { ...rest, content_type: recipient } as T;
}

function snapshotWithConstrainFix(snapshot: OracleParserSnapshot): OracleParserSnapshot {
  const fixed = withConstrainFix({
    recipient: snapshot.currentRecipient,
    content_type: snapshot.currentContentType,
  });
  return { ...snapshot, currentRecipient: fixed.recipient, currentContentType: fixed.content_type };
}

function upstreamMessages(messages: JsonObject[], diverged: ReadonlySet<number>): JsonObject[] {
  return messages.map((m, i) => {
    const fixed = withConstrainFix(m);
    return diverged.has(i) ? { ...fixed, content: "(not compared: UTF-8 divergence)" } : fixed;
  });
}

function ourMessages(
  messages: readonly Parameters<typeof messageToJson>[0][],
  diverged: ReadonlySet<number>,
) {
  return messages.map((m, i) => {
    const json = messageToJson(m);
    return diverged.has(i) ? { ...json, content: "(not compared: UTF-8 divergence)" } : json;
  });
}

function expectSameError(
  what: string,
  mine: Outcome<unknown>,
  theirs: Outcome<unknown> & { ok: false },
): void {
  if (mine.ok) throw new Error(`${what}: upstream fails ("${theirs.error}") but Overtone succeeds`);
  expect(mine.error, what).toBe(v008ErrorText(theirs.error));
}

function snapshotOf(parser: StreamableParser): OracleParserSnapshot {
  return {
    state: parser.state,
    currentRole: parser.currentRole,
    currentChannel: parser.currentChannel,
    currentRecipient: parser.currentRecipient,
    currentContentType: parser.currentContentType,
    currentContent: parser.currentContent,
    lastContentDelta: parser.lastContentDelta === "" ? undefined : parser.lastContentDelta,
  };
}

function sameSnapshot(a: OracleParserSnapshot, b: OracleParserSnapshot): boolean {
  return (
    a.state === b.state &&
    a.currentRole === b.currentRole &&
    a.currentChannel === b.currentChannel &&
    a.currentRecipient === b.currentRecipient &&
    a.currentContentType === b.currentContentType &&
    a.currentContent === b.currentContent &&
    a.lastContentDelta === b.lastContentDelta
  );
}

interface StreamResult {
  /** Indices of messages excluded by the UTF-8 rule. */
  diverged: Set<number>;
  /** Upstream's `parse_messages_from_completion_tokens` result: all tokens, then EOS (its exact definition). */
  upstreamParse: Outcome<JsonObject[]>;
}

/** Streams `tokens` through both parsers, comparing after every token and at EOS. */
function compareStreaming(tokens: readonly number[], role: Role | null): StreamResult {
  const mine = new StreamableParser(role === null ? { strict: true } : { role, strict: true });
  const theirs = oracle.createStreamableParser(role);
  const tracker = new Utf8DivergenceTracker();
  const diverged = new Set<number>();
  let finished = 0;
  let inContent = false;
  for (const [i, token] of tokens.entries()) {
    const where = () => `token #${i} (${token}) of ${JSON.stringify(tokens)} with role ${role}`;
    const theirStep = upstream(() => theirs.process(token));
    const myStep = ours(PARSE_ERRORS, () => mine.process(token));
    if (!theirStep.ok) {
      expectSameError(`process ${where()}`, myStep, theirStep);
      return { diverged, upstreamParse: theirStep };
    }
    if (!myStep.ok)
      throw new Error(`process ${where()}: Overtone fails ("${myStep.error}"), upstream does not`);
    if (inContent && STOP_TOKENS.has(token)) {
      if (tracker.endMessage()) diverged.add(finished);
      finished++;
    } else if (inContent) tracker.contentToken(token);
    const expected = snapshotWithConstrainFix(theirs.snapshot());
    inContent = expected.state === "Content";
    const actual = snapshotOf(mine);
    if (tracker.diverged) {
      expected.currentContent = actual.currentContent;
      expected.lastContentDelta = actual.lastContentDelta;
    }
    if (!sameSnapshot(actual, expected)) expect(actual, `after ${where()}`).toEqual(expected);
  }
  if (inContent && tracker.endMessage()) diverged.add(finished);
  expect(ourMessages(mine.messages, diverged)).toEqual(upstreamMessages(theirs.messages, diverged));
  const theirEos = upstream(() => theirs.processEos());
  const myEos = ours(PARSE_ERRORS, () => mine.processEos());
  if (!theirEos.ok) {
    expectSameError(`processEos after ${JSON.stringify(tokens)}`, myEos, theirEos);
    return { diverged, upstreamParse: theirEos };
  }
  if (!myEos.ok) throw new Error(`processEos: Overtone fails ("${myEos.error}"), upstream does not`);
  expect(ourMessages(mine.messages, diverged)).toEqual(upstreamMessages(theirs.messages, diverged));
  return { diverged, upstreamParse: { ok: true, value: theirs.messages } };
}

function compareOneShot(
  tokens: readonly number[],
  role: Role | null,
  { diverged, upstreamParse: theirs }: StreamResult,
) {
  const what = `parseMessagesFromCompletionTokens(${JSON.stringify(tokens)}, role ${role})`;
  const mine = ours(PARSE_ERRORS, () =>
    parseMessagesFromCompletionTokens(tokens, role === null ? { strict: true } : { role, strict: true }),
  );
  if (!theirs.ok) return expectSameError(what, mine, theirs);
  if (!mine.ok) throw new Error(`${what}: Overtone fails ("${mine.error}"), upstream does not`);
  expect(ourMessages(mine.value, diverged), what).toEqual(upstreamMessages(theirs.value, diverged));
}

describe("parsing (strict): Overtone = upstream", () => {
  for (const role of ["assistant", null] as const) {
    it(`agrees on ${RUNS} random token streams, role ${role}`, () => {
      fc.assert(
        fc.property(tokenStream(role !== null), (tokens) => {
          compareOneShot(tokens, role, compareStreaming(tokens, role));
        }),
        { seed: PROPERTY_SEED + (role === null ? 1 : 0), numRuns: RUNS },
      );
    });
  }

  it("rewrites only the leftover-parts error, exactly as v0.0.8 prints it", () => {
    expect(v008ErrorText('unexpected tokens remaining in message header: ["to=a", "b\\n"]')).toBe(
      'unexpected tokens remaining in message header: Some("to=a b\\n")',
    );
    expect(v008ErrorText("Unknown role: x")).toBe("Unknown role: x");
  });

  it("excludes exactly upstream's lone-<|constrain|> misparse (exclusion 1)", () => {
    const tokens = oracle.encodeWithSpecialTokens(
      "<|channel|>final <|constrain|>json<|message|>{}<|return|>",
    );
    const theirs = oracle.parseMessagesFromCompletionTokens(tokens, "assistant");
    expect(theirs).toEqual([
      { role: "assistant", recipient: "<|constrain|>json", channel: "final", content: "{}" },
    ]);
    expect(upstreamMessages(theirs, new Set())).toEqual([
      { role: "assistant", channel: "final", content_type: "<|constrain|>json", content: "{}" },
    ]);
    const withType = { role: "assistant", recipient: "<|constrain|>json", content_type: "code", content: "" };
    expect(upstreamMessages([withType], new Set())).toEqual([withType]);
  });
});
