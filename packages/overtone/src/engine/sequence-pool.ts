/**
 * The context sequences of one loaded model, lent to requests: concurrent requests run on parallel sequences of
 * one llama.cpp context, and node-llama-cpp puts the pending tokens of all of them into one `llama_decode` per
 * dispatch cycle (continuous batching), so N streams cost far less than N times one.
 *
 * A request takes the free sequence whose KV cache shares the longest prefix with its prompt (a conversation's
 * next turn finds its own cache); among equals the one idle longest, so another conversation's cache lives on.
 * When every sequence is busy it waits its turn in a FIFO queue of at most `queueLimit`; beyond that it is
 * refused at once with a retryable BackendError, which the gateway answers with 503 and `retry-after`, as a busy
 * llama-server or vLLM would. An abort while waiting leaves the queue.
 */
import { BackendError } from "@overtone/errors";

/** What the pool needs of a sequence: how much of a prompt its KV cache already holds. */
export interface PooledSequence {
  compareContextTokens(tokens: readonly number[]): { firstDifferentIndex: number };
}

/** A sequence lent to one request; `release` gives it back (once; later calls do nothing). */
export interface SequenceLease<S> {
  sequence: S;
  release(): void;
}

interface Slot<S> {
  sequence: S;
  busy: boolean;
  /** When it was last given back (a counter): the idlest free slot goes first among equal prefixes. */
  freedAt: number;
}

interface Waiter<S> {
  prompt: readonly number[];
  resolve(lease: SequenceLease<S> | undefined): void;
  reject(error: Error): void;
}

export class SequencePool<S extends PooledSequence> {
  private readonly slots: Slot<S>[];
  private readonly waiting: Waiter<S>[] = [];
  private clock = 0;
  private closedBy: Error | undefined;

  constructor(
    sequences: readonly S[],
    /** Requests that may wait for a sequence; one more is refused. */
    readonly queueLimit: number,
    /** Named in the busy error (the model's path). */
    private readonly where: string,
  ) {
    this.slots = sequences.map((sequence) => ({ sequence, busy: false, freedAt: 0 }));
  }

  get running(): number {
    return this.slots.filter((slot) => slot.busy).length;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * A sequence for this prompt, now or when one is given back; undefined when `signal` aborts first. Rejects
   * with a retryable BackendError when the queue is full, and with the close reason after `close`.
   */
  acquire(prompt: readonly number[], signal?: AbortSignal): Promise<SequenceLease<S> | undefined> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy);
    if (signal?.aborted) return Promise.resolve(undefined);
    const free = this.best(prompt);
    if (free !== undefined && this.waiting.length === 0) return Promise.resolve(this.lend(free));
    if (this.waiting.length >= this.queueLimit) {
      const message = `the embedded model is busy: ${this.running} requests running, ${this.waiting.length} waiting`;
      return Promise.reject(new BackendError(message, { url: this.where, retryable: true, status: 503 }));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(undefined);
      };
      const waiter: Waiter<S> = {
        prompt,
        resolve: (lease) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(lease);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Refuse new requests and fail the waiting ones with `reason` (the model is being disposed). */
  close(reason: Error): void {
    this.closedBy = reason;
    for (const waiter of this.waiting.splice(0)) waiter.reject(reason);
  }

  private best(prompt: readonly number[]): Slot<S> | undefined {
    let best: Slot<S> | undefined;
    let bestShared = -1;
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const shared = slot.sequence.compareContextTokens(prompt).firstDifferentIndex;
      if (
        shared > bestShared ||
        (shared === bestShared && best !== undefined && slot.freedAt < best.freedAt)
      ) {
        best = slot;
        bestShared = shared;
      }
    }
    return best;
  }

  private lend(slot: Slot<S>): SequenceLease<S> {
    slot.busy = true;
    let returned = false;
    return {
      sequence: slot.sequence,
      release: () => {
        if (returned) return;
        returned = true;
        slot.busy = false;
        slot.freedAt = ++this.clock;
        // First come, first served: the sequence goes to the longest waiter (its best choice among the free).
        const next = this.waiting.shift();
        if (next === undefined) return;
        const free = this.best(next.prompt) as Slot<S>;
        next.resolve(this.lend(free));
      },
    };
  }
}
