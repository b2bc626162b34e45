/**
 * Random token streams for the parsers: well-formed messages in every header shape the model emits
 * (recipient before or after the channel, `<|constrain|>` with and without a space, tool results, structured
 * output), mixed with what breaks parsers: stray special tokens, random ordinary ids, tokens that are only
 * part of a UTF-8 character, ids no tokenizer knows, missing `<|message|>`, and truncation anywhere.
 */
import fc from "fast-check";
import { encodeOrdinary, tokenBytes } from "../../packages/harmony/src/tokenizer.js";
import { identifier, text } from "./text-arbitraries.js";

export const TOKEN = {
  RETURN: 200002,
  CONSTRAIN: 200003,
  CHANNEL: 200005,
  START: 200006,
  END: 200007,
  MESSAGE: 200008,
  CALL: 200012,
} as const;

const LAST_ORDINARY = 199997;
const LAST_KNOWN = 201088;

/** True if `bytes` are complete, valid UTF-8 (what Rust's `String::from_utf8` accepts). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

let partialTokens: number[] | undefined;
/** Ordinary tokens whose bytes alone are not valid UTF-8 (pieces of a multi-byte character). */
export function partialUtf8Tokens(): number[] {
  if (partialTokens) return partialTokens;
  partialTokens = [];
  for (let id = 0; id <= LAST_ORDINARY; id++) {
    const bytes = tokenBytes(id);
    if (bytes.some((b) => b >= 0x80) && !isValidUtf8(bytes)) partialTokens.push(id);
  }
  return partialTokens;
}

const specialToken = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.values(TOKEN)) },
  { weight: 1, arbitrary: fc.integer({ min: 199998, max: LAST_KNOWN }) },
);
const ordinaryToken = fc.integer({ min: 0, max: LAST_ORDINARY });
const partialToken = fc.nat().map((i) => {
  const all = partialUtf8Tokens();
  return all[i % all.length] as number;
});
const unknownToken = fc.constantFrom(LAST_KNOWN + 1, 250_000, 2 ** 31, 2 ** 32 - 1);

/** Header pieces in text; specials are spliced in as ids by `encodeParts`. */
type Part = string | number;
const encodeParts = (parts: Part[]): number[] =>
  parts.flatMap((part) => (typeof part === "number" ? [part] : encodeOrdinary(part)));

const role = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("assistant", "user", "system", "developer", "tool") },
  { weight: 2, arbitrary: fc.constantFrom("functions.get_weather", "browser.search", "python") },
  { weight: 1, arbitrary: identifier },
);
const channelName = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom("analysis", "commentary", "final") },
  { weight: 5, arbitrary: identifier },
  { weight: 1, arbitrary: fc.constant("") },
);
const recipientPart = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(" to=functions.get_weather", " to=assistant", " to=browser.search", " to="),
  },
  { weight: 1, arbitrary: identifier.map((r) => ` to=${r}`) },
);
const contentTypeParts = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(0, 1)
      .map((i): Part[] => (i ? [" ", TOKEN.CONSTRAIN, "json"] : [TOKEN.CONSTRAIN, "json"])),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(" json", " code", " ")
      .map((t): Part[] => (t === " " ? [t, TOKEN.CONSTRAIN] : [t])),
  },
  { weight: 1, arbitrary: identifier.map((t): Part[] => [` ${t}`]) },
);

/** A header after the role word, in every order upstream's tests and real servers show. */
const headerRest: fc.Arbitrary<Part[]> = fc
  .record(
    {
      recipient: recipientPart,
      channel: channelName,
      contentType: contentTypeParts,
      channelFirst: fc.boolean(),
    },
    { requiredKeys: ["channelFirst"] },
  )
  .chain(({ recipient, channel, contentType, channelFirst }) => {
    const to: Part[] = recipient === undefined ? [] : [recipient];
    const ch: Part[] = channel === undefined ? [] : [TOKEN.CHANNEL, channel];
    const parts = channelFirst ? [...ch, ...to] : [...to, ...ch];
    return fc.oneof(
      { weight: 9, arbitrary: fc.constant(0).map((): Part[] => [...parts, ...(contentType ?? [])]) },
      { weight: 1, arbitrary: text.map((junk): Part[] => [...parts, junk]) },
    );
  });

/** Message content: text (special-token strings stay text), random ids, broken UTF-8, unknown ids. */
const body: fc.Arbitrary<number[]> = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: text.map(encodeOrdinary) },
      { weight: 2, arbitrary: fc.array(ordinaryToken, { maxLength: 4 }) },
      { weight: 2, arbitrary: fc.array(partialToken, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: unknownToken.map((t) => [t]) },
    ),
    { maxLength: 3 },
  )
  .map((pieces) => pieces.flat());

const terminator = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom([TOKEN.END], [TOKEN.CALL], [TOKEN.RETURN]) },
  { weight: 1, arbitrary: fc.constant([]) },
);

/** One message: `<|start|>role…<|message|>body<|end|>`, or without `<|start|>role` (a completion's first). */
export const renderedMessage = (withStart: boolean): fc.Arbitrary<number[]> =>
  fc.tuple(role, headerRest, fc.nat(20), body, terminator).map(([who, rest, dropMessage, content, end]) => {
    const head: Part[] = withStart ? [TOKEN.START, who, ...rest] : rest;
    // One message in twenty has no <|message|>: the refusal shape of issue #80.
    const sep = dropMessage === 0 ? [] : [TOKEN.MESSAGE];
    return [...encodeParts(head), ...sep, ...content, ...end];
  });

const junk: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 3, arbitrary: fc.array(specialToken, { minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.array(ordinaryToken, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(partialToken, { minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: unknownToken.map((t) => [t]) },
);

/**
 * A token stream. `completion`: it continues a prompt that ended in `<|start|>{role}` (parse with a role), so
 * the first message has no `<|start|>role`. Mostly messages, sometimes junk, sometimes cut short.
 */
export const tokenStream = (completion: boolean): fc.Arbitrary<number[]> =>
  fc
    .tuple(
      completion ? renderedMessage(false) : fc.constant([]),
      fc.array(fc.oneof({ weight: 10, arbitrary: renderedMessage(true) }, { weight: 1, arbitrary: junk }), {
        minLength: completion ? 0 : 1,
        maxLength: 4,
      }),
      fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
    )
    .map(([first, rest, cut]) => {
      const tokens = [...first, ...rest.flat()];
      return cut === undefined ? tokens : tokens.slice(0, cut % (tokens.length + 1));
    });
