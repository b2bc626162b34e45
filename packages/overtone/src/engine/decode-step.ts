/**
 * Lines up the model's decoding streams so each decode step holds all of them (issue 14 item 5).
 *
 * node-llama-cpp batches the next tokens of all sequences that have asked for one when it dispatches a decode,
 * and after a decode it dispatches again at once with whatever has been asked for by then. Its samplings finish
 * one by one (each on a libuv worker), so the streams ask again at slightly different moments, and the stream
 * whose sampling finished last always misses the next batch: measured with four streams on the bench's medium
 * model, 167 of 172 decodes held 3 tokens, rotating which stream waited, so every stream ran at 3/4 of the steps.
 *
 * Here a stream that wants its next token waits until every decoding stream wants one; then all ask in the same
 * tick and node-llama-cpp decodes them together. A stream whose consumer is slow to come back (its reader is
 * behind) holds the others at most `patienceMs`, counted from the moment the last token of the step arrived —
 * not before, or the stream still waiting for its token would start a step of its own and stay out of phase.
 * A stream alone never waits.
 */
export class DecodeStep {
  private decoding = 0;
  private inFlight = 0;
  private waiting: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly patienceMs = 2) {}

  /** Resolves when this stream may ask for its next token; undefined when it may at once. */
  private ready(): Promise<void> | undefined {
    if (this.decoding <= 1 && this.waiting.length === 0) return undefined;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.check();
    });
  }

  private check(): void {
    if (this.waiting.length === 0) return;
    if (this.waiting.length >= this.decoding) this.release();
    else if (this.inFlight === 0) this.timer ??= setTimeout(() => this.release(), this.patienceMs);
  }

  private release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** The ids of `tokens`, each next one asked for only when the step is ready. */
  async *stepped(tokens: AsyncGenerator<number, void, undefined>): AsyncGenerator<number, void, undefined> {
    this.decoding++;
    try {
      for (;;) {
        const wait = this.ready();
        if (wait !== undefined) await wait;
        this.inFlight++;
        let next: IteratorResult<number, void>;
        try {
          next = await tokens.next();
        } finally {
          this.inFlight--;
          this.check();
        }
        if (next.done) return;
        yield next.value;
      }
    } finally {
      this.decoding--;
      this.check();
      await tokens.return(undefined);
    }
  }
}
