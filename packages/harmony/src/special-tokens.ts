/**
 * The o200k_harmony special tokens exactly as openai/harmony v0.0.8 registers them: 199998..200013 by name and
 * `<|reserved_N|>` for every other id up to 201088 inclusive (harmony's table has one more entry than the
 * model's 201088-token vocabulary, and no `<|endofprompt|>`, unlike Python tiktoken's o200k_harmony).
 */
export const START_OF_TEXT = 199998;
export const END_OF_TEXT = 199999;
export const RETURN = 200002;
export const CONSTRAIN = 200003;
export const CHANNEL = 200005;
export const START = 200006;
export const END = 200007;
export const MESSAGE = 200008;
export const CALL = 200012;

export const FIRST_SPECIAL_TOKEN = 199998;
export const LAST_SPECIAL_TOKEN = 201088;
/** Ids 0..NUM_TOKENS-1 exist in harmony's tokenizer. */
export const NUM_TOKENS = LAST_SPECIAL_TOKEN + 1;

const NAMED: ReadonlyMap<number, string> = new Map([
  [START_OF_TEXT, "<|startoftext|>"],
  [END_OF_TEXT, "<|endoftext|>"],
  [RETURN, "<|return|>"],
  [CONSTRAIN, "<|constrain|>"],
  [CHANNEL, "<|channel|>"],
  [START, "<|start|>"],
  [END, "<|end|>"],
  [MESSAGE, "<|message|>"],
  [CALL, "<|call|>"],
]);

/** The tokens Harmony's format is written with: every special token a conversation's messages can hold. */
export const FORMAT_TOKENS: readonly number[] = [RETURN, CONSTRAIN, CHANNEL, START, END, MESSAGE, CALL];

/** Tokens that end a message when parsing: `<|return|>`, `<|call|>`, `<|end|>`. */
export const STOP_TOKENS: ReadonlySet<number> = new Set([RETURN, CALL, END]);

/** Tokens to stop sampling on: the assistant's turn is over (`<|end|>` only separates its messages). */
export const STOP_TOKENS_FOR_ASSISTANT_ACTIONS: ReadonlySet<number> = new Set([RETURN, CALL]);

export function isSpecialToken(id: number): boolean {
  return id >= FIRST_SPECIAL_TOKEN && id <= LAST_SPECIAL_TOKEN;
}

/** The literal text of a special token, or undefined if `id` is not one. */
export function specialTokenText(id: number): string | undefined {
  if (!isSpecialToken(id)) return undefined;
  return NAMED.get(id) ?? `<|reserved_${id}|>`;
}

/** The id of a special-token string such as `<|start|>` or `<|reserved_200013|>`, or undefined. */
export function specialTokenId(text: string): number | undefined {
  for (const [id, name] of NAMED) if (name === text) return id;
  const reserved = /^<\|reserved_(\d{6})\|>$/.exec(text);
  if (!reserved) return undefined;
  const id = Number(reserved[1]);
  return isSpecialToken(id) && !NAMED.has(id) ? id : undefined;
}
