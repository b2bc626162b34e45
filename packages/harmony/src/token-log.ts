/**
 * Every token a parser was fed, for its `tokens` getter and its error offsets. Kept as doubles (an id may be
 * anything a caller passes, e.g. u32::MAX, -1 or 1.5) in one typed array grown by doubling, so logging a token
 * allocates nothing.
 */
export class TokenLog {
  private fed = new Float64Array(1024);
  /** How many tokens were fed: the offset of the next one. */
  count = 0;

  push(token: number): void {
    if (this.count === this.fed.length) this.grow(this.count + 1);
    this.fed[this.count++] = token;
  }

  /** Log `tokens[from..to)`. */
  pushRange(tokens: readonly number[], from: number, to: number): void {
    const needed = this.count + (to - from);
    if (needed > this.fed.length) this.grow(needed);
    const fed = this.fed;
    let at = this.count;
    for (let i = from; i < to; i++) fed[at++] = tokens[i] as number;
    this.count = at;
  }

  /** Forget the tokens, keeping the buffer. */
  clear(): void {
    this.count = 0;
  }

  toArray(): number[] {
    return Array.from(this.fed.subarray(0, this.count));
  }

  private grow(needed: number): void {
    const grown = new Float64Array(Math.max(needed, this.fed.length * 2));
    grown.set(this.fed.subarray(0, this.count));
    this.fed = grown;
  }
}
