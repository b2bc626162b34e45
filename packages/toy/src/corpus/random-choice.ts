/**
 * Seeded choices for the corpus: every draw goes through one SeededRandom, so a seed fixes the whole corpus.
 * Integer arithmetic only (no Math.random, no floating-point shuffles whose rounding could differ).
 */
import type { SeededRandom } from "@overtone/makers";

/** A whole number in [low, high], both inclusive. */
export function intBetween(rng: SeededRandom, low: number, high: number): number {
  return low + (rng.nextU32() % (high - low + 1));
}

export function pick<T>(rng: SeededRandom, items: readonly T[]): T {
  return items[rng.nextU32() % items.length] as T;
}

/** An item and its index: templates record which phrasing they used in their fill. */
export function pickIndexed<T>(rng: SeededRandom, items: readonly T[]): [T, number] {
  const index = rng.nextU32() % items.length;
  return [items[index] as T, index];
}

export function chance(rng: SeededRandom, probability: number): boolean {
  return rng.next() < probability;
}

/** An item chosen with probability proportional to its weight. */
export function pickWeighted<T>(rng: SeededRandom, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of items) total += weight;
  let at = rng.next() * total;
  for (const [item, weight] of items) {
    at -= weight;
    if (at < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

/** `count` distinct items in random order (a partial Fisher–Yates shuffle of a copy). */
export function sample<T>(rng: SeededRandom, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + (rng.nextU32() % (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}

/** A stable 32-bit hash of several values, for tool results that must not depend on draw order. */
export function hashOf(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join("\u001f");
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  // A final avalanche: FNV-1a alone leaves the low bits of similar strings correlated.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
