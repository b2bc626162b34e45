/**
 * Text for property tests: what real prompts, tool descriptions and schemas contain, plus what breaks naive
 * renderers and tokenizers (special-token strings, CR/LF mixes, combining marks, emoji ZWJ sequences, astral
 * and BMP-private characters whose UTF-16 and UTF-8 sort orders differ). No lone surrogates: they are not
 * valid text, and the WASM oracle would see them as U+FFFD.
 */
import fc from "fast-check";
import type { JsonValue } from "../../packages/harmony/src/types.js";
import { hasNewerUnicode } from "./newer-unicode.js";

export const SPECIAL_TOKEN_STRINGS = [
  "<|start|>",
  "<|end|>",
  "<|message|>",
  "<|channel|>",
  "<|constrain|>",
  "<|call|>",
  "<|return|>",
  "<|endoftext|>",
  "<|startoftext|>",
  "<|reserved_200013|>",
  "<|reserved_201088|>",
] as const;

const TRICKY_FRAGMENTS = [
  "\n",
  "\r",
  "\r\n",
  "\n\n",
  " ",
  "  ",
  "\t",
  "to=",
  " to=functions.f",
  "//",
  "// ",
  '"',
  "'",
  "\\",
  "{",
  "}",
  "|",
  "null",
  "json",
  "analysis",
  "final",
  "commentary",
  "assistant",
  "functions.get_weather",
  "é",
  "e\u0301",
  "日本語",
  "😀",
  "👨‍👩‍👧",
  "🇫🇷",
  "\u200b",
  "\ufeff",
  "\uffff",
  "\ue000",
  "\u{10ffff}",
  "\u{1f600}",
  "\u0000",
  "\u0007",
  "\u007f",
  "\u2028",
  "\u0085",
  "\u00a0",
  "'S",
  "'ll",
  "ﬁ",
  "İ",
  "ß",
  "123",
  "1.5",
] as const;

/** One piece of text: tricky constants, special-token strings, or random strings of several alphabets. */
export const textFragment: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...TRICKY_FRAGMENTS) },
    { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_TOKEN_STRINGS) },
    { weight: 4, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
    { weight: 2, arbitrary: fc.lorem({ maxCount: 6 }) },
  )
  // Exclusion: characters newer than upstream's Unicode tables tokenize differently (see newer-unicode.ts).
  .filter((s) => !hasNewerUnicode(s));

/** Free text: usually a few fragments, sometimes empty. */
export const text: fc.Arbitrary<string> = fc
  .array(textFragment, { maxLength: 6 })
  .map((parts) => parts.join(""));

/** Mostly-plain words for identifiers (tool and namespace names, channels), sometimes anything. */
export const identifier: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z]{1,6}\.[a-z_]{1,8}$/) },
  { weight: 1, arbitrary: text },
);

/** Multi-line text for descriptions: `\n`, `\r\n`, lone `\r`, empty lines, trailing newlines. */
export const multilineText: fc.Arbitrary<string> = fc
  .array(fc.tuple(text, fc.constantFrom("\n", "\r\n", "\r", "\n\n", "")), { maxLength: 4 })
  .map((lines) => lines.map(([line, end]) => line + end).join(""));

/** JSON numbers as JS holds them: small ints, negative zero, fractions, huge and tiny doubles. */
export const jsonNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0.5, -1.25, 0.1, 1e-7, 1e21, 1e300, 5e-324, -0, 2 ** 31, 2 ** 53 - 1),
  },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 53 + 2, 2 ** 63, 123456789012345680000) },
);

/** Arbitrary JSON values (defaults, enums, examples, const): strings with escapes, nested arrays/objects. */
export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: text },
    { weight: 3, arbitrary: jsonNumber },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(tie("value"), { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(identifier, tie("value"), { maxKeys: 3, noNullPrototype: true }),
    },
  ),
})).value;
