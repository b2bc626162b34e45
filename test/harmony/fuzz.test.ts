/**
 * Robustness fuzzing of Overtone's parsers: 100,000 mutated token streams (rendered conversations and random
 * streams, truncated, spliced, sprinkled with stray specials, broken UTF-8 and unknown ids) through the
 * StreamableParser, strict and non-strict, with and without a role, and (one in sixteen) their text through the
 * TextStreamParser in random chunks. Nothing may crash, hang, or throw anything but HarmonyParseError or
 * TokenizerError; and the text parser must agree with the token parser on the same text, as it promises.
 *
 * Seeded (HARMONY_PROPERTY_SEED); a failure prints the stream and options to reproduce it.
 */

import { HarmonyParseError, TokenizerError } from "@overtone/errors";
import {
  decode,
  encodeWithSpecialTokens,
  isKnownToken,
  messageToJson,
  type Role,
  renderConversation,
  TextStreamParser,
} from "@overtone/harmony";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMessagesFromCompletionTokens } from "../../packages/harmony/src/parse.js";
import { StreamableParser } from "../../packages/harmony/src/streamable-parser.js";
import { conversation, partialUtf8Tokens, TOKEN, tokenStream } from "../oracle/arbitraries.js";
import { PROPERTY_SEED } from "../oracle/differential.js";

const STREAMS = Number(process.env.HARMONY_FUZZ_STREAMS ?? 100_000);
/** Generous for a loaded 2-core machine; a quadratic blow-up or a loop shows up far above it. */
const MAX_MS_PER_STREAM = 250;
const WINDOW = 80;
const ROLES: (Role | undefined)[] = [undefined, "assistant", "assistant", "user", "tool"];
const ODD_IDS = [201_089, 250_000, 2 ** 31, 2 ** 32 - 1, -1, 1.5, Number.NaN];

/** mulberry32: a tiny, fast, seeded PRNG (fast-check is too slow to drive 100k mutations). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildCorpus(): number[][] {
  const corpus: number[][] = [];
  for (const conv of fc.sample(conversation, { seed: PROPERTY_SEED, numRuns: 150 })) {
    try {
      const tokens = renderConversation(conv, { autoDropAnalysis: false });
      corpus.push(tokens);
      // Without its first `<|start|>role`: what a completion after `…<|start|>assistant` looks like.
      corpus.push(tokens.slice(2));
    } catch {
      // unrenderable conversations are the renderer's business, not the parser's
    }
  }
  corpus.push(...fc.sample(tokenStream(true), { seed: PROPERTY_SEED, numRuns: 300 }));
  corpus.push(...fc.sample(tokenStream(false), { seed: PROPERTY_SEED + 1, numRuns: 300 }));
  return corpus.filter((tokens) => tokens.length > 0);
}

function randomToken(r: () => number): number {
  const kind = r();
  const pick = <T>(items: readonly T[]) => items[Math.floor(r() * items.length)] as T;
  if (kind < 0.45) return pick(Object.values(TOKEN));
  if (kind < 0.7) return Math.floor(r() * 199_998);
  if (kind < 0.85) return pick(partialUtf8Tokens());
  if (kind < 0.95) return 199_998 + Math.floor(r() * 1091);
  return pick(ODD_IDS);
}

/** A stretch of at most 80 tokens: long renders are mostly schema text, and length is time. */
function window(base: readonly number[], r: () => number): number[] {
  if (base.length <= WINDOW) return [...base];
  const from = r() < 0.5 ? 0 : Math.floor(r() * (base.length - WINDOW));
  return base.slice(from, from + WINDOW);
}

function mutate(base: readonly number[], corpus: readonly number[][], r: () => number): number[] {
  let tokens = window(base, r);
  const mutations = Math.floor(r() * 4);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(r() * (tokens.length + 1));
    const op = Math.floor(r() * 7);
    if (op === 0) tokens = tokens.slice(0, at);
    else if (op === 1) tokens = tokens.slice(at);
    else if (op === 2) tokens.splice(at, 1 + Math.floor(r() * 3));
    else if (op === 3) tokens.splice(at, 0, randomToken(r));
    else if (op === 4) tokens[Math.min(at, tokens.length - 1)] = randomToken(r);
    else if (op === 5) tokens.splice(at, 0, ...tokens.slice(at, at + 1 + Math.floor(r() * 8)));
    else tokens = [...tokens.slice(0, at), ...window(corpus[Math.floor(r() * corpus.length)] as number[], r)];
  }
  return tokens;
}

const isTyped = (error: unknown) => error instanceof HarmonyParseError || error instanceof TokenizerError;

/** Runs `fn`; an expected parse failure is fine, anything else is returned as the failure. */
function allowed(fn: () => void): { failed: boolean; unexpected?: unknown } {
  try {
    fn();
    return { failed: false };
  } catch (error) {
    return isTyped(error) ? { failed: true } : { failed: true, unexpected: error };
  }
}

/** Feeds `tokens` (and EOS); returns an untyped exception if one escapes, else undefined. */
function feedTokens(
  tokens: readonly number[],
  role: Role | undefined,
  strict: boolean,
  r: () => number,
): unknown {
  const parser = new StreamableParser({ role, strict, onEvent: () => {} });
  // Feeding on after an error checks the state an error leaves; a few errors are enough (errors are slow).
  let errorsLeft = Math.floor(r() * 4);
  let i = 0;
  while (i < tokens.length) {
    try {
      for (; i < tokens.length; i++) {
        parser.process(tokens[i] as number);
        // Read what a streaming client reads (not after every token: currentContent is not free).
        void parser.lastContentDelta;
        if ((i & 7) === 7)
          void [parser.state, parser.currentRole, parser.currentChannel, parser.currentContent];
      }
    } catch (error) {
      if (!isTyped(error)) return error;
      i++;
      if (errorsLeft-- === 0) return undefined;
    }
  }
  return allowed(() => parser.processEos()).unexpected;
}

function chunks(text: string, r: () => number): string[] {
  // A quarter of the texts go in one character at a time: every cut inside a special token and a surrogate pair.
  const oneByOne = r() < 0.25;
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    const size = oneByOne ? 1 : 1 + Math.floor(r() * (r() < 0.5 ? 4 : 40));
    out.push(text.slice(at, at + size));
    at += size;
  }
  return out;
}

/** The text parser on `text` in chunks must give what the token parser gives on the same text. */
function feedText(text: string, role: Role | undefined, strict: boolean, r: () => number): unknown {
  let textMessages: unknown;
  const pieces = chunks(text, r);
  const fed = () => `; pushed as ${JSON.stringify(pieces)}`;
  const textRun = allowed(() => {
    const parser = new TextStreamParser({ role, strict });
    for (const chunk of pieces) parser.push(chunk);
    textMessages = parser.end().messages.map(messageToJson);
  });
  if (textRun.unexpected !== undefined) return textRun.unexpected;
  let tokenMessages: unknown;
  const tokenRun = allowed(() => {
    tokenMessages = parseMessagesFromCompletionTokens(encodeWithSpecialTokens(text), { role, strict }).map(
      messageToJson,
    );
  });
  if (tokenRun.unexpected !== undefined) return tokenRun.unexpected;
  if (textRun.failed !== tokenRun.failed) {
    return new Error(`text parser ${textRun.failed ? "fails" : "succeeds"}, token parser does not${fed()}`);
  }
  if (JSON.stringify(textMessages) !== JSON.stringify(tokenMessages)) {
    return new Error(
      `messages differ: text ${JSON.stringify(textMessages)} vs tokens ${JSON.stringify(tokenMessages)}${fed()}`,
    );
  }
  return undefined;
}

describe("parser fuzzing", () => {
  it(`survives ${STREAMS} mutated streams with only typed errors, in bounded time`, () => {
    console.info(`fuzz: seed ${PROPERTY_SEED}, ${STREAMS} streams`);
    const corpus = buildCorpus();
    const r = prng(PROPERTY_SEED);
    // Warm up (lazy tokenizer tables, JIT) so that the per-stream bound measures the parsers, not start-up.
    for (const tokens of corpus.slice(0, 50)) {
      feedTokens(tokens, "assistant", false, r);
      feedText(decode(tokens.filter(isKnownToken)), undefined, false, r);
    }
    let slowest = { ms: 0, index: -1, tokens: 0 };
    let textRuns = 0;
    let tokenCount = 0;
    let textMs = 0;
    for (let i = 0; i < STREAMS; i++) {
      const tokens = mutate(corpus[Math.floor(r() * corpus.length)] as number[], corpus, r);
      const role = ROLES[Math.floor(r() * ROLES.length)];
      const strict = r() < 0.5;
      const started = performance.now();
      let problem = feedTokens(tokens, role, strict, r);
      let input = `tokens ${JSON.stringify(tokens)}`;
      tokenCount += tokens.length;
      if (problem === undefined && r() < 0.06) {
        const text = decode(tokens.filter(isKnownToken));
        input = `text ${JSON.stringify(text)}`;
        textRuns++;
        const textStarted = performance.now();
        problem = feedText(text, role, strict, r);
        textMs += performance.now() - textStarted;
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, index: i, tokens: tokens.length };
      if (problem !== undefined) {
        const detail = problem instanceof Error ? (problem.stack ?? problem.message) : String(problem);
        throw new Error(`stream #${i} (role ${role}, strict ${strict}), ${input}:\n${detail}`);
      }
    }
    console.info(
      `fuzz: ${tokenCount} tokens, ${textRuns} text runs (${textMs.toFixed(0)} ms); ` +
        `slowest stream #${slowest.index} (${slowest.tokens} tokens) took ${slowest.ms.toFixed(1)} ms`,
    );
    expect(slowest.ms).toBeLessThan(MAX_MS_PER_STREAM);
  });
});
