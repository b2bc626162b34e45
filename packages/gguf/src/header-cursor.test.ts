import { GgufFormatError } from "@overtone/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeaderCursor, NeedMoreBytes } from "./header-cursor.js";

/** Items as they sit in a GGUF string array: u64 length, then the bytes. */
function encodeItems(items: Uint8Array[]): Buffer {
  return Buffer.concat(
    items.flatMap((b) => {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(b.length));
      return [len, Buffer.from(b)];
    }),
  );
}

const fatal = new TextDecoder("utf-8", { fatal: true });

/** No lone surrogates (String.prototype.isWellFormed is ES2024, past our lib setting). */
function isWellFormed(s: string): boolean {
  return Buffer.from(s, "utf8").toString("utf8") === s;
}

describe("HeaderCursor.stringArray (batched decoding)", () => {
  it("decodes any well-formed strings exactly like one-by-one decoding", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary" }).filter(isWellFormed), { maxLength: 40 }),
        (strings) => {
          const bytes = encodeItems(strings.map((s) => Buffer.from(s, "utf8")));
          const cur = new HeaderCursor(bytes, 0, bytes.length);
          expect(cur.stringArray(strings.length, "k")).toEqual(strings);
          expect(cur.pos).toBe(bytes.length);
        },
      ),
      { numRuns: 300, seed: 1 },
    );
  });

  it("accepts arbitrary bytes exactly when each item is valid UTF-8, and names the bad item otherwise", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 6 }), { minLength: 1, maxLength: 12 }), (items) => {
        const bytes = encodeItems(items);
        const cur = new HeaderCursor(bytes, 100, bytes.length + 100);
        const firstBad = items.findIndex((b) => {
          try {
            fatal.decode(b);
            return false;
          } catch {
            return true;
          }
        });
        if (firstBad === -1) {
          expect(cur.stringArray(items.length, "k").map((s) => Buffer.from(s, "utf8"))).toEqual(
            items.map((b) => Buffer.from(b)),
          );
          return;
        }
        let offset = 100;
        for (let i = 0; i < firstBad; i++) offset += 8 + (items[i]?.length ?? 0);
        const err = (() => {
          try {
            cur.stringArray(items.length, "k");
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(GgufFormatError);
        expect(err).toMatchObject({ key: "k", offset });
      }),
      { numRuns: 500, seed: 2 },
    );
  });

  it("keeps genuine U+FFFD and astral characters", () => {
    const strings = ["\uFFFD", "a\uFFFDb", "🦙", "", "Ġ"];
    const bytes = encodeItems(strings.map((s) => Buffer.from(s)));
    expect(new HeaderCursor(bytes, 0, bytes.length).stringArray(5, "k")).toEqual(strings);
  });

  it("asks for the whole array's probable size when the window ends inside it", () => {
    const strings = Array.from({ length: 1000 }, (_, i) => `token${i}`);
    const all = encodeItems(strings.map((s) => Buffer.from(s)));
    const window = all.subarray(0, 1000);
    try {
      new HeaderCursor(window, 0, all.length).stringArray(1000, "k");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NeedMoreBytes);
      // Extrapolated from the ~60 items that fitted: close to (and capped at) the real size.
      expect((e as NeedMoreBytes).end).toBeGreaterThan(all.length * 0.9);
      expect((e as NeedMoreBytes).end).toBeLessThanOrEqual(all.length);
    }
  });
});

describe("HeaderCursor limits", () => {
  it("reports a count over its limit with the offset and the value found", () => {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(2n ** 63n, 8);
    const cur = new HeaderCursor(b, 0, 16);
    cur.pos = 8;
    expect(() => cur.count("thing", 10, "key")).toThrow(
      /bad thing of "key" at byte 8: found 9223372036854775808 \(limit 10\)/,
    );
  });

  it("tells truncation (file ends) from a window that merely ends", () => {
    const b = Buffer.alloc(4);
    expect(() => new HeaderCursor(b, 0, 4).u64("x")).toThrow(GgufFormatError);
    expect(() => new HeaderCursor(b, 0, 100).u64("x")).toThrow(NeedMoreBytes);
  });
});
