/**
 * The examples a run trains on, in the form the gradient code reads: each example's tokens as rows of the
 * compact vocabulary and its loss mask, all packed into three flat arrays (shared memory when worker threads
 * read them). Batches are drawn epoch by epoch from a seeded permutation, as a pure function of (seed, step),
 * so a resumed run draws exactly the batches the uninterrupted one would have.
 */
import { InputError } from "@overtone/errors";
import { hashName, SeededRandom } from "@overtone/makers";
import { CompactVocabulary } from "./vocab-design.js";

export interface TokenExample {
  tokens: ArrayLike<number>;
  /** 1 on tokens the model generates (trained), 0 on what it is given. */
  lossMask: ArrayLike<number>;
  /**
   * The token that decides the turn (a tool call or not), trained with the recipe's decisionWeight instead of 1;
   * −1 or absent when none does.
   */
  decisionIndex?: number;
}

/** Examples packed back to back: example i is [offsets[i], offsets[i+1]). */
export interface PackedExamples {
  rows: Int32Array;
  /** Each token's loss weight: 0 given, 1 trained, decisionWeight on a deciding token. */
  masks: Uint8Array;
  offsets: Int32Array;
}

export interface TrainingSet {
  vocabulary: CompactVocabulary;
  packed: PackedExamples;
  count: number;
  longest: number;
  tokens: number;
  /** Tokens with loss, over all examples (each counted once, whatever its weight). */
  trainedTokens: number;
  /** Examples left out for being longer than the maximum length. */
  dropped: number;
}

function sharedOrPlain(bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/**
 * Maps tokens to vocabulary rows and packs the examples with their loss weights; `shared` puts them in
 * SharedArrayBuffers.
 */
export function buildTrainingSet(
  examples: readonly TokenExample[],
  vocabularyIds: ArrayLike<number>,
  maxLength: number,
  shared = false,
  decisionWeight = 1,
): TrainingSet {
  if (!Number.isInteger(decisionWeight) || decisionWeight < 1 || decisionWeight > 255) {
    throw new RangeError(`decision weight ${decisionWeight}: expected a whole number in 1..255`);
  }
  const vocabulary = new CompactVocabulary(vocabularyIds);
  const kept = examples.filter((e) => e.tokens.length <= maxLength && e.tokens.length >= 2);
  if (kept.length === 0) {
    throw new InputError(`no training example of 2..${maxLength} tokens`, {
      where: "training set",
      hint: "raise the maximum sequence length or generate more examples",
    });
  }
  const total = kept.reduce((n, e) => n + e.tokens.length, 0);
  const rows = new Int32Array(sharedOrPlain(total * 4, shared));
  const masks = new Uint8Array(sharedOrPlain(total, shared));
  const offsets = new Int32Array(sharedOrPlain((kept.length + 1) * 4, shared));
  let at = 0;
  let longest = 0;
  let trainedTokens = 0;
  kept.forEach((e, i) => {
    offsets[i] = at;
    rows.set(vocabulary.toRows(e.tokens, `training example ${i}`), at);
    for (let t = 0; t < e.tokens.length; t++) {
      const bit = e.lossMask[t] === 1 ? 1 : 0;
      masks[at + t] = bit === 1 && t === e.decisionIndex ? decisionWeight : bit;
      if (t > 0) trainedTokens += bit;
    }
    at += e.tokens.length;
    longest = Math.max(longest, e.tokens.length);
  });
  offsets[kept.length] = at;
  return {
    vocabulary,
    packed: { rows, masks, offsets },
    count: kept.length,
    longest,
    tokens: total,
    trainedTokens,
    dropped: examples.length - kept.length,
  };
}

/** The same examples in SharedArrayBuffers (a worker thread can read them without a copy per message). */
export function sharedPacked(packed: PackedExamples): PackedExamples {
  if (packed.rows.buffer instanceof SharedArrayBuffer) return packed;
  const copy = <T extends Int32Array | Uint8Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
    const out = make(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return {
    rows: copy(packed.rows, (b) => new Int32Array(b)),
    masks: copy(packed.masks, (b) => new Uint8Array(b)),
    offsets: copy(packed.offsets, (b) => new Int32Array(b)),
  };
}

/** Example i's rows and mask, as views (no copy). */
export function exampleAt(packed: PackedExamples, i: number): { rows: Int32Array; mask: Uint8Array } {
  const start = packed.offsets[i] as number;
  const end = packed.offsets[i + 1] as number;
  return { rows: packed.rows.subarray(start, end), mask: packed.masks.subarray(start, end) };
}

/** Batches of example indices: epoch e visits every example once, in a permutation seeded by (seed, e). */
export class BatchSampler {
  private cachedEpoch = -1;
  private order = new Int32Array(0);

  constructor(
    private readonly seed: number,
    private readonly count: number,
  ) {}

  private permutation(epoch: number): Int32Array {
    if (epoch !== this.cachedEpoch) {
      const order = Int32Array.from({ length: this.count }, (_, i) => i);
      const random = new SeededRandom(this.seed, hashName(`toy-train-epoch:${epoch}`));
      for (let i = order.length - 1; i > 0; i--) {
        const j = random.nextU32() % (i + 1);
        const swap = order[i] as number;
        order[i] = order[j] as number;
        order[j] = swap;
      }
      this.order = order;
      this.cachedEpoch = epoch;
    }
    return this.order;
  }

  /** The indices of batch `step` (0-based), `size` of them. */
  batch(step: number, size: number): Int32Array {
    const out = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const position = step * size + k;
      out[k] = this.permutation(Math.floor(position / this.count))[position % this.count] as number;
    }
    return out;
  }
}

/**
 * Splits a batch into two shards of about equal token count (longest first, each to the lighter shard; ties to
 * shard 0). The split depends on the batch only, never on how many threads compute it.
 */
export function splitBatch(batch: Int32Array, packed: PackedExamples): [Int32Array, Int32Array] {
  const length = (i: number) => (packed.offsets[i + 1] as number) - (packed.offsets[i] as number);
  const sorted = [...batch].sort((a, b) => length(b) - length(a) || a - b);
  const shards: [number[], number[]] = [[], []];
  const load = [0, 0];
  for (const i of sorted) {
    const s = (load[1] as number) < (load[0] as number) ? 1 : 0;
    shards[s].push(i);
    load[s] = (load[s] as number) + length(i);
  }
  return [Int32Array.from(shards[0]), Int32Array.from(shards[1])];
}
