/**
 * How many prompt tokens to hand llama.cpp per call during a prefill. node-llama-cpp's evaluate cannot be
 * aborted while it runs, so a long prompt goes in several calls and an abort is looked at between them. Each
 * call costs some scheduling that the prompt's evaluation does not overlap (on the tiny model, 512-token calls
 * made a 1,200-token prefill ~6 % slower than one call), so the calls are as long as keeps an abort within
 * `abortWithinMs` (default 250) at the speed the last long prefill ran: a fast model takes most prompts in one
 * call, a slow one (gpt-oss-20b on a CPU) one batch at a time.
 *
 * A call is always whole batches of PREFILL_BATCH tokens. node-llama-cpp splits every call into batches of
 * that size from its start, so llama.cpp sees the prompt cut at the same places whatever the call length, and
 * the numbers it computes (and so greedy output) never depend on how fast an earlier request ran.
 */

/** node-llama-cpp's default batch size: the pieces llama.cpp evaluates a prompt in. */
export const PREFILL_BATCH = 512;
/** How long a prefill call may run by default, so that an abort (Ctrl-C) takes effect about this soon. */
export const DEFAULT_ABORT_WITHIN_MS = 250;

export class PrefillPacer {
  private tokensPerSecond: number | undefined;

  /** `abortWithinMs` 0: one batch per call, the quickest abort. */
  constructor(private readonly abortWithinMs = DEFAULT_ABORT_WITHIN_MS) {}

  /** Tokens for the next call: whole batches, as many as fit in `abortWithinMs`, at least one. */
  callTokens(): number {
    if (this.tokensPerSecond === undefined) return PREFILL_BATCH;
    const batches = Math.floor((this.tokensPerSecond * this.abortWithinMs) / 1000 / PREFILL_BATCH);
    return PREFILL_BATCH * Math.max(1, batches);
  }

  /** A call of `tokens` prompt tokens took `ms`. */
  measured(tokens: number, ms: number): void {
    if (tokens > 0 && ms > 0) this.tokensPerSecond = (tokens / ms) * 1000;
  }
}
