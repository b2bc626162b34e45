import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { walkableBuffer, walkShortStrings } from "./string-walk.js";

/** The walk's contract, written plainly: step while the item is a string < 128 bytes ending by `end`. */
function referenceWalk(bytes: Buffer, at: number, end: number, n: number, item: number) {
  while (item < n && at + 8 <= end) {
    const len = bytes.readUInt32LE(at);
    if (len >= 128 || bytes.readUInt32LE(at + 4) !== 0 || at + 8 + len > end) break;
    at += 8 + len;
    item++;
  }
  return { at, item };
}

/** Length prefixes as a GGUF string array has them, some of them long or with a high word set. */
const itemBytes = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 20 }).map((b) => ({ b, high: 0 })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 124, maxLength: 300 }).map((b) => ({ b, high: 0 })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 5 }).map((b) => ({ b, high: 1 })) },
);

function encode(items: { b: Uint8Array; high: number }[]): Buffer {
  return Buffer.concat(
    items.flatMap(({ b, high }) => {
      const len = Buffer.alloc(8);
      len.writeUInt32LE(b.length, 0);
      len.writeUInt32LE(high, 4);
      return [len, Buffer.from(b)];
    }),
  );
}

describe("walkShortStrings", () => {
  it("stops where the plain walk stops, in WebAssembly memory and in any buffer", () => {
    fc.assert(
      fc.property(
        fc.array(itemBytes, { maxLength: 60 }),
        fc.nat({ max: 40 }),
        fc.nat(),
        fc.nat({ max: 10 }),
        (items, prefix, cut, extra) => {
          const body = encode(items);
          // The array sits after some other bytes, and the window may end anywhere in it.
          const plain = Buffer.concat([Buffer.alloc(prefix, 7), body]);
          const end = prefix + (cut % (body.length + 1));
          const n = items.length + (extra % 3);
          const expected = referenceWalk(plain, prefix, end, n, 0);
          const walkable = walkableBuffer(plain.length + 5).subarray(3, 3 + plain.length);
          plain.copy(walkable);
          expect(walkShortStrings(walkable, prefix, end, n, 0)).toEqual(expected);
          expect(walkShortStrings(plain, prefix, end, n, 0)).toEqual(expected);
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });

  it("walks a plain buffer longer than its scratch memory in slices, stopping at each slice end", () => {
    const items = Array.from({ length: 200_000 }, (_, i) => ({ b: Buffer.from(`t${i}`), high: 0 }));
    const plain = encode(items);
    let at = 0;
    let item = 0;
    let calls = 0;
    // A caller resumes where a walk stopped, as skipStrings does.
    while (item < items.length) {
      ({ at, item } = walkShortStrings(plain, at, plain.length, items.length, item));
      calls++;
    }
    expect(at).toBe(plain.length);
    expect(calls).toBeGreaterThan(1);
  });
});
