/**
 * The responses a client may continue with `previous_response_id` (gateway.md §2.1, rule 36): per response, the
 * whole conversation it saw and said (its history, its input, its output items: `storedItems` in
 * responses-reply.ts), in memory, bounded. Responses sent with `store:false` are not put (the server's choice). OpenAI
 * keeps responses for 30 days; a gateway cannot, so it keeps the last N and says so when an id is gone, rather
 * than answering as if the conversation had started over. vLLM's store never evicts; this one drops the least
 * recently used response, since a client that continues a chain touches its newest link.
 */

import { GatewayError } from "./protocol.js";
import type { ResponsesItem } from "./responses-input.js";

export const DEFAULT_STORED_RESPONSES = 1000;

export class ResponseStore {
  readonly limit: number;
  /** Insertion order is recency order: `get` moves an entry to the end, eviction takes the first. */
  private readonly entries = new Map<string, readonly ResponsesItem[]>();

  constructor(limit = DEFAULT_STORED_RESPONSES) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  get size(): number {
    return this.entries.size;
  }

  put(id: string, items: readonly ResponsesItem[]): void {
    this.entries.delete(id);
    this.entries.set(id, [...items]);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
  }

  get(id: string): readonly ResponsesItem[] | undefined {
    const items = this.entries.get(id);
    if (items !== undefined) {
      this.entries.delete(id);
      this.entries.set(id, items);
    }
    return items;
  }

  /**
   * The items of `previous_response_id` (the history a request continues): a 404 GatewayError when the id is not
   * kept, never an empty history (rule 36).
   */
  require(id: string): readonly ResponsesItem[] {
    const items = this.get(id);
    if (items === undefined) throw previousResponseNotFound(id, this.limit);
    return items;
  }
}

/** The 404 for a `previous_response_id` the gateway does not have (unknown, evicted, or sent with store:false). */
export function previousResponseNotFound(id: string, limit?: number): GatewayError {
  const kept = limit !== undefined ? `the last ${limit} responses in memory` : "recent responses in memory";
  return new GatewayError(
    404,
    `previous_response_id ${JSON.stringify(id)} was not found: this gateway keeps only ${kept} (none across restarts), and responses created with store:false are not kept; send the whole conversation as input instead`,
    { code: "previous_response_not_found", param: "previous_response_id" },
  );
}
