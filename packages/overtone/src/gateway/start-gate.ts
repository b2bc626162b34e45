/**
 * New requests start one per event-loop turn, after the turn's I/O. A request's set-up (parsing, routing, the
 * upstream request) costs the gateway ~0.5 ms of CPU; 64 arriving together held every stream already flowing for
 * the ~30 ms of all their set-ups, so those streams' chunks waited behind them (bench:gateway, 64 streams). Let
 * through one at a time, with the loop polling between, a burst of arrivals delays a flowing stream's chunks by
 * one set-up at most; a request that arrives alone waits one `setImmediate`.
 */
export class StartGate {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves when this request may start. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.release);
      }
    });
  }

  private readonly release = (): void => {
    this.waiting.shift()?.();
    if (this.waiting.length > 0) setImmediate(this.release);
    else this.scheduled = false;
  };
}
