/**
 * The mutated token streams of the parser fuzz test (test/harmony/fuzz.test.ts) and of `npm run
 * bench:harmony-fuzz`, which times the same streams: rendered conversations and random streams, cut to a
 * window, truncated, spliced, sprinkled with stray specials, broken UTF-8 and unknown ids. Seeded: the same
 * seed gives the same streams, so a failure or a slow stream can be reproduced.
 */
import { HarmonyParseError, TokenizerError } from "@overtone/errors";
import { type Role, renderConversation } from "@overtone/harmony";
import fc from "fast-check";
import { StreamableParser } from "../../packages/harmony/src/streamable-parser.js";
import { conversation, partialUtf8Tokens, TOKEN, tokenStream } from "../oracle/arbitraries.js";
import { rng } from "../support/codec-samples.js";

const WINDOW = 80;
const ROLES: (Role | undefined)[] = [undefined, "assistant", "assistant", "user", "tool"];
const ODD_IDS = [201_089, 250_000, 2 ** 31, 2 ** 32 - 1, -1, 1.5, Number.NaN];

/** A seeded PRNG giving floats in [0, 1) (fast-check is too slow to drive 100k mutations). */
export function prng(seed: number): () => number {
  const next = rng(seed);
  return () => next() / 4294967296;
}

/** Well-formed streams (rendered conversations, with and without their first `<|start|>role`) and random ones. */
export function buildCorpus(seed: number): number[][] {
  const corpus: number[][] = [];
  for (const conv of fc.sample(conversation, { seed, numRuns: 150 })) {
    try {
      const tokens = renderConversation(conv, { autoDropAnalysis: false });
      corpus.push(tokens);
      // Without its first `<|start|>role`: what a completion after `…<|start|>assistant` looks like.
      corpus.push(tokens.slice(2));
    } catch {
      // unrenderable conversations are the renderer's business, not the parser's
    }
  }
  corpus.push(...fc.sample(tokenStream(true), { seed, numRuns: 300 }));
  corpus.push(...fc.sample(tokenStream(false), { seed: seed + 1, numRuns: 300 }));
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

export interface FuzzStream {
  tokens: number[];
  role: Role | undefined;
  strict: boolean;
}

/** The next mutated stream and the parser options to feed it with, drawn from `r`. */
export function nextStream(corpus: readonly number[][], r: () => number): FuzzStream {
  const tokens = mutate(corpus[Math.floor(r() * corpus.length)] as number[], corpus, r);
  const role = ROLES[Math.floor(r() * ROLES.length)];
  return { tokens, role, strict: r() < 0.5 };
}

export const isTyped = (error: unknown) =>
  error instanceof HarmonyParseError || error instanceof TokenizerError;

/**
 * Feeds `tokens` (and EOS) to a StreamableParser; returns the exception that escaped when it should not have (any
 * at all without strict, an untyped one with strict), else undefined.
 */
export function feedTokens(
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
      if (!strict || !isTyped(error)) return error;
      i++;
      if (errorsLeft-- === 0) return undefined;
    }
  }
  try {
    parser.processEos();
  } catch (error) {
    if (!strict || !isTyped(error)) return error;
  }
  return undefined;
}

/**
 * Pieces of the text a server hands back for gpt-oss, well-formed or not: special-token strings (whole and cut),
 * the words of headers with their tokens stripped, recipients, JSON, prose and odd characters.
 */
const TEXT_PIECES = [
  "<|start|>",
  "<|end|>",
  "<|message|>",
  "<|channel|>",
  "<|constrain|>",
  "<|return|>",
  "<|call|>",
  "<|endoftext|>",
  "<|reserved_200013|>",
  "<|reserved_300000|>",
  "<|",
  "|>",
  "<|chan",
  "assistant",
  "analysis",
  "commentary",
  "final",
  "assistantfinal",
  "assistantanalysis",
  " to=",
  "to=functions.get_weather",
  " to=functions.Web Search",
  "functions.",
  " json",
  " <|constrain|>json",
  "json",
  "??",
  "user",
  "tool",
  '{"city":"Paris"}',
  '{"a":[1,{"b"',
  "}",
  " ",
  "\n",
  "The answer is 4.",
  "We need to answer.",
  "💖",
  "\uD83D",
  "\u0000",
];

/** A random server reply built from TEXT_PIECES and random characters (seeded through `r`). */
export function randomHarmonyText(r: () => number): string {
  let text = "";
  const pieces = Math.floor(r() * 24);
  for (let i = 0; i < pieces; i++) {
    if (r() < 0.85) text += TEXT_PIECES[Math.floor(r() * TEXT_PIECES.length)];
    else text += String.fromCharCode(Math.floor(r() * 0x3000));
  }
  return text;
}
