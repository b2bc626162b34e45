/**
 * Where a generation stops, apart from the model that produces the tokens: at the assistant's turn-ending token
 * (`<|return|>` or `<|call|>`, which is passed on so the Harmony parser sees the terminator), at another
 * end-of-generation token of the model (`<|endoftext|>`, not passed on: it is not Harmony), at the token budget,
 * or when the signal fires. node-llama-cpp's evaluate decodes the previous token only when asked for the next,
 * so the next token is asked for before a token is passed on: llama.cpp decodes while the parser and the
 * consumer work on the current one (measured: the per-token JS work otherwise adds to every step). It is not
 * asked for after a stop token or the budget's last, so no token past a stop is computed — except one, in
 * flight, when the consumer stops reading or the signal fires.
 */
import { STOP_TOKENS_FOR_ASSISTANT_ACTIONS } from "@overtone/harmony";

export type StopCause = "stop-token" | "end-token" | "length" | "source-done" | "aborted";

export interface TokenLimitOptions {
  /** Most tokens to pass on (the stop token included). */
  maxTokens?: number;
  /** Tokens that end the turn and are passed on; default `<|return|>` and `<|call|>`. */
  stopTokens?: ReadonlySet<number>;
  /** Other tokens that end generation without being passed on. */
  isEndToken?: (token: number) => boolean;
  signal?: AbortSignal;
  /** Called with each token passed on, as it arrives. */
  onToken?: (token: number) => void;
}

export interface TokenLimitOutcome {
  /** Undefined while running, or when the consumer stopped reading first. */
  cause?: StopCause;
  /** Tokens passed on. */
  count: number;
}

/** Pass tokens from `source` on until one of the stops above; `outcome` says which one. */
export async function* limitTokens(
  source: AsyncIterable<number> | Iterable<number>,
  options: TokenLimitOptions,
  outcome: TokenLimitOutcome = { count: 0 },
): AsyncGenerator<number, void, undefined> {
  const stop = options.stopTokens ?? STOP_TOKENS_FOR_ASSISTANT_ACTIONS;
  const max = options.maxTokens ?? Number.POSITIVE_INFINITY;
  if (max <= 0) {
    outcome.cause = "length";
    return;
  }
  const iterator =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let done = false;
  let ahead: Promise<IteratorResult<number>> = Promise.resolve(iterator.next());
  let pending: Promise<IteratorResult<number>> | undefined = ahead;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        outcome.cause = "aborted";
        return;
      }
      const next = await ahead;
      pending = undefined;
      if (next.done) {
        done = true;
        outcome.cause = "source-done";
        return;
      }
      const token = next.value;
      if (!stop.has(token) && options.isEndToken?.(token)) {
        outcome.cause = "end-token";
        return;
      }
      outcome.count++;
      // Stamped as it arrives, before the next one is asked for.
      options.onToken?.(token);
      const last = stop.has(token) || outcome.count >= max;
      if (!last) {
        ahead = Promise.resolve(iterator.next());
        pending = ahead;
      }
      yield token;
      if (last) {
        outcome.cause = stop.has(token) ? "stop-token" : "length";
        return;
      }
    }
  } finally {
    if (pending !== undefined) done = (await pending.catch(() => ({ done: true }))).done === true;
    if (!done) await iterator.return?.();
  }
}
