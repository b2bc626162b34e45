import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeUtf8Lossy,
  decodeValidUtf8,
  describeUtf8Error,
  scanUtf8,
  UTF8_INCOMPLETE,
  UTF8_VALID,
} from "./utf8-stream.js";

/** [validUpTo, kind] of a scan. */
function scan(bytes: number[]): [number, number] {
  const result = scanUtf8(Uint8Array.from(bytes), 0, bytes.length);
  return [Math.floor(result / 8), result % 8];
}

describe("scanUtf8: Rust's valid_up_to and error_len", () => {
  const cases: [string, number[], [number, number]][] = [
    ["ASCII", [0x61, 0x62], [2, UTF8_VALID]],
    ["a 4-byte character", [0xf0, 0x9f, 0x98, 0x80], [4, UTF8_VALID]],
    ["a space, then a cut-short 4-byte lead (token 9552)", [0x20, 0xf0, 0x9f], [1, UTF8_INCOMPLETE]],
    ["a lone lead byte at the end", [0x61, 0xe2], [1, UTF8_INCOMPLETE]],
    ["a cut-short sequence followed by ASCII: 2 bytes invalid", [0x20, 0xf0, 0x9f, 0x58], [1, 2]],
    ["a 3-byte sequence broken at its third byte", [0xe2, 0x82, 0x41], [0, 2]],
    ["a 4-byte sequence broken at its fourth byte", [0xf0, 0x9f, 0x98, 0x41], [0, 3]],
    ["a stray continuation byte", [0x61, 0x80], [1, 1]],
    ["an overlong lead", [0xc0, 0x80], [0, 1]],
    ["an overlong 3-byte form (E0 80)", [0xe0, 0x80, 0x80], [0, 1]],
    ["a UTF-16 surrogate (ED A0)", [0xed, 0xa0, 0x80], [0, 1]],
    ["beyond U+10FFFF (F4 90)", [0xf4, 0x90, 0x80, 0x80], [0, 1]],
    ["a byte that never starts a sequence", [0xff], [0, 1]],
  ];
  for (const [what, bytes, expected] of cases) {
    it(what, () => expect(scan(bytes)).toEqual(expected));
  }

  it("scans from an offset", () => {
    const bytes = Uint8Array.from([0xff, 0x61, 0xf0]);
    expect(scanUtf8(bytes, 1, 3)).toBe(1 * 8 + UTF8_INCOMPLETE);
  });
});

describe("decodeValidUtf8", () => {
  it("decodes short and long valid input like TextDecoder", () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.nat(3), (text, skip) => {
        const bytes = Uint8Array.from([...new Array(skip).fill(0x41), ...encoder.encode(text)]);
        expect(decodeValidUtf8(bytes, skip, bytes.length)).toBe(text);
      }),
      { numRuns: 1000 },
    );
    const edges = "a\u07ff\u0800\uffff\u{10000}\u{10ffff}";
    expect(decodeValidUtf8(encoder.encode(edges), 0, 17)).toBe(edges);
  });
});

describe("decodeUtf8Lossy", () => {
  it("matches the WHATWG decoder, which replaces the same maximal subparts as Rust's from_utf8_lossy", () => {
    const whatwg = new TextDecoder("utf-8");
    const interesting = fc.constantFrom(
      0x00,
      0x41,
      0x7f,
      0x80,
      0x8f,
      0x9f,
      0xa0,
      0xbf,
      0xc0,
      0xc2,
      0xdf,
      0xe0,
      0xed,
      0xef,
      0xf0,
      0xf4,
      0xf5,
      0xff,
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 })), { maxLength: 24 }),
        (bytes) => {
          const array = Uint8Array.from(bytes);
          expect(decodeUtf8Lossy(array, 0, array.length)).toBe(whatwg.decode(array));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("describeUtf8Error: Rust's Utf8Error display", () => {
  it("names the error and where it is", () => {
    expect(describeUtf8Error(Uint8Array.from([0x20, 0xf0, 0x9f]))).toBe(
      "incomplete utf-8 byte sequence from index 1",
    );
    expect(describeUtf8Error(Uint8Array.from([0x20, 0xf0, 0x9f, 0x58]))).toBe(
      "invalid utf-8 sequence of 2 bytes from index 1",
    );
    expect(describeUtf8Error(Uint8Array.from([0x41]))).toBeUndefined();
  });
});
