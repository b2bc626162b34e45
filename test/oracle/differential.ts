/**
 * Shared machinery of the differential tests: run one operation on both sides, classify the outcome, and say
 * precisely where two token sequences part ways (decoded, with special tokens spelled out).
 */
import { HarmonyParseError, HarmonyRenderError, TokenizerError } from "@overtone/errors";
import { type HarmonyOracle, OracleError } from "./harmony-oracle.js";

/** The seed of every property test here: fixed so failures reproduce; override with HARMONY_PROPERTY_SEED. */
export const PROPERTY_SEED = Number(process.env.HARMONY_PROPERTY_SEED ?? 20_250_805);

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Overtone's side: the expected error classes become outcomes, anything else is a bug and propagates. */
export function ours<T>(expected: readonly (new (...args: never[]) => Error)[], fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (expected.some((cls) => error instanceof cls)) return { ok: false, error: (error as Error).message };
    throw error;
  }
}

export const RENDER_ERRORS = [HarmonyRenderError] as const;
export const PARSE_ERRORS = [HarmonyParseError, TokenizerError] as const;

/** Upstream's side: its errors (bare strings from the WASM) become outcomes. */
export function upstream<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof OracleError) return { ok: false, error: error.message };
    throw error;
  }
}

const lossy = new TextDecoder();

/**
 * Where two token sequences part ways: the index, the ids around it, and the text around it on both sides (or
 * a note that the texts are equal and only the tokenization differs, i.e. the tokenizer is at fault).
 */
export function describeTokenMismatch(
  oracle: HarmonyOracle,
  mine: readonly number[],
  theirs: readonly number[],
): string {
  let at = 0;
  while (at < mine.length && at < theirs.length && mine[at] === theirs[at]) at++;
  const text = (tokens: readonly number[]) =>
    lossy.decode(oracle.decodeBytes(tokens.filter((t) => t <= 201_088)));
  const offset = text(mine.slice(0, at)).length;
  const around = (tokens: readonly number[]) =>
    JSON.stringify(text(tokens).slice(Math.max(0, offset - 40), offset + 40));
  const ids = (tokens: readonly number[]) => JSON.stringify(tokens.slice(Math.max(0, at - 6), at + 8));
  const sameText = text(mine) === text(theirs);
  return (
    `token sequences differ at index ${at} (Overtone ${mine.length} tokens, upstream ${theirs.length})` +
    `${sameText ? "; the decoded texts are EQUAL: only the tokenization differs" : ""}\n` +
    `  Overtone: ${ids(mine)} around ${around(mine)}\n  upstream: ${ids(theirs)} around ${around(theirs)}`
  );
}

export function tokensEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
