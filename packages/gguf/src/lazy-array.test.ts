import { writeFileSync } from "node:fs";
import { GgufFormatError } from "@overtone/errors";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/gguf-samples.js";
import { openGguf } from "./gguf-file.js";
import { HEADER_INITIAL_READ } from "./gguf-limits.js";
import { type GgufMetadata, type GgufValue, ggufValue } from "./gguf-values.js";
import { HeaderCursor, NeedMoreBytes } from "./header-cursor.js";
import { arrayHead, LAZY_ARRAY_MIN_ITEMS, SkipProgress, skipArrayItems } from "./lazy-array.js";
import { writeGguf } from "./write-gguf.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

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

/** What the eager decode makes of the items: the error it throws, or "ok" and where it stopped. */
function eager(bytes: Buffer, n: number): unknown {
  const cur = new HeaderCursor(bytes, 0, bytes.length);
  try {
    cur.stringArray(n, "k");
    return ["ok", cur.pos];
  } catch (e) {
    return e;
  }
}

/** Items of every kind the skip treats differently: short or long (≥ 128 bytes), valid UTF-8 or not. */
const utf8 = (s: string) => Buffer.from(s, "utf8");
const item = fc.oneof(
  fc.string({ unit: "binary", maxLength: 8 }).map(utf8),
  fc.string({ unit: "binary", minLength: 40, maxLength: 80 }).map(utf8),
  fc.uint8Array({ maxLength: 6 }),
  fc.uint8Array({ minLength: 127, maxLength: 130 }),
  // A long valid string cut inside a character, or starting with a continuation byte.
  fc.string({ unit: "binary", minLength: 45, maxLength: 60 }).map((s) => utf8(`${s}é`).subarray(0, -1)),
  fc.string({ unit: "binary", minLength: 45, maxLength: 60 }).map((s) => utf8(`é${s}`).subarray(1)),
);

describe("skipArrayItems on string arrays", () => {
  it("accepts exactly what the eager decode accepts, and ends where it ends", () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), (items) => {
        const bytes = encodeItems(items);
        const cur = new HeaderCursor(bytes, 0, bytes.length);
        const skipped = skipArrayItems(cur, "str", items.length, "k");
        const decoded = eager(bytes, items.length);
        expect(skipped).toBe(Array.isArray(decoded));
        if (skipped) expect(cur.pos).toBe((decoded as [string, number])[1]);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });

  it("resumes in a bigger window where the last one ran out, with the same outcome as one window", () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (items, cuts) => {
          const bytes = encodeItems(items);
          const whole = skipArrayItems(new HeaderCursor(bytes, 0, bytes.length), "str", items.length, "k");
          const progress = new SkipProgress();
          const ends = [...cuts.map((c) => c % bytes.length).sort((a, b) => a - b), bytes.length];
          for (const end of ends) {
            // Each window starts before the array (at 0 here), as the reader's restart from the key does.
            const cur = new HeaderCursor(bytes.subarray(0, end), 0, bytes.length);
            try {
              expect(skipArrayItems(cur, "str", items.length, "k", progress)).toBe(whole);
              if (whole) expect(cur.pos).toBe(bytes.length);
              return;
            } catch (e) {
              expect(e).toBeInstanceOf(NeedMoreBytes);
              expect((e as NeedMoreBytes).end).toBeGreaterThan(end);
            }
          }
          expect.unreachable("the last window holds the whole array");
        },
      ),
      { numRuns: 500, seed: 12 },
    );
  });

  it("reports a string length over the limit like the eager decode", () => {
    const bytes = Buffer.alloc(24);
    bytes.writeBigUInt64LE(1n, 0);
    bytes.writeBigUInt64LE(2n ** 40n, 9);
    const cur = new HeaderCursor(bytes, 0, 1e12);
    expect(() => skipArrayItems(cur, "str", 2, "k")).toThrow(/bad string item length of "k" at byte 9/);
  });
});

describe("skipArrayItems on other arrays", () => {
  it("skips numbers by size and bools only when every byte is 0 or 1", () => {
    const bytes = Buffer.from([1, 0, 1, 1, 0, 0, 0, 0]);
    const cur = new HeaderCursor(bytes, 0, bytes.length);
    expect(skipArrayItems(cur, "u16", 3, "k")).toBe(true);
    expect(cur.pos).toBe(6);
    expect(skipArrayItems(new HeaderCursor(bytes, 0, bytes.length), "bool", 8, "k")).toBe(true);
    bytes[3] = 2;
    expect(skipArrayItems(new HeaderCursor(bytes, 0, bytes.length), "bool", 8, "k")).toBe(false);
    expect(() => skipArrayItems(new HeaderCursor(bytes, 0, 100), "f64", 2, "k")).toThrow(NeedMoreBytes);
    expect(() => skipArrayItems(new HeaderCursor(bytes, 0, 8), "f64", 2, "k")).toThrow(GgufFormatError);
  });
});

const N = LAZY_ARRAY_MIN_ITEMS + 5;
const tokens = Array.from({ length: N }, (_, i) =>
  i % 97 === 0 ? `long ${"é".repeat(70)} ${i}` : i % 3 ? `Ġtok${i}` : `日本${i}`,
);

function bigArrays(): GgufMetadata {
  return new Map<string, GgufValue>([
    ["general.architecture", { type: "str", value: "gpt-oss" }],
    ["tokenizer.ggml.tokens", { type: "arr", itemType: "str", value: tokens }],
    ["t.u8", { type: "arr", itemType: "u8", value: tokens.map((_, i) => i % 256) }],
    ["t.i16", { type: "arr", itemType: "i16", value: tokens.map((_, i) => -i | 0) }],
    ["t.f32", { type: "arr", itemType: "f32", value: tokens.map((_, i) => i / 4) }],
    ["t.f64", { type: "arr", itemType: "f64", value: tokens.map((_, i) => i / 3) }],
    ["t.u64", { type: "arr", itemType: "u64", value: tokens.map((_, i) => BigInt(i) << 40n) }],
    ["t.bool", { type: "arr", itemType: "bool", value: tokens.map((_, i) => i % 5 === 0) }],
    ["t.small", { type: "arr", itemType: "str", value: ["a", "b"] }],
  ]);
}

describe("lazy metadata arrays in an open file", () => {
  it("read back equal to what was written, decoded on first access and then plain data", async () => {
    const path = tmp.path("big-arrays.gguf");
    await writeGguf(path, { metadata: bigArrays(), tensors: [] });
    await using f = await openGguf(path);
    const tok = f.metadata.get("tokenizer.ggml.tokens") as GgufValue;
    expect(Object.getOwnPropertyDescriptor(tok, "value")?.get).toBeTypeOf("function");
    expect(Object.getOwnPropertyDescriptor(f.metadata.get("t.small"), "value")?.get).toBeUndefined();
    expect(f.metadata).toEqual(bigArrays());
    expect(Object.getOwnPropertyDescriptor(tok, "value")).toMatchObject({ value: tokens, writable: true });
    expect(Object.keys(tok)).toEqual(["type", "itemType", "value"]);
  });

  it("read right from headers that outgrow the first window, long strings anywhere", async () => {
    const many = Array.from({ length: 70_000 }, (_, i) =>
      i % 37 === 0 ? `${"ß".repeat(64 + (i % 9))}` : `t${i}`,
    );
    const path = tmp.path("windows.gguf");
    const m = new Map<string, GgufValue>([
      ["a", { type: "arr", itemType: "str", value: many }],
      ["b", { type: "arr", itemType: "str", value: many.slice().reverse() }],
    ]);
    await writeGguf(path, { metadata: m, tensors: [] });
    await using f = await openGguf(path);
    expect(f.headerEnd).toBeGreaterThan(2 * HEADER_INITIAL_READ);
    expect(f.metadata).toEqual(m);
  });

  it("can be assigned before decoding, and decoded when frozen", async () => {
    const path = tmp.path("big-arrays-2.gguf");
    await writeGguf(path, { metadata: bigArrays(), tensors: [] });
    await using f = await openGguf(path);
    const tok = f.metadata.get("tokenizer.ggml.tokens") as GgufValue & { type: "arr" };
    tok.value = ["x"];
    expect(tok).toEqual({ type: "arr", itemType: "str", value: ["x"] });
    const frozen = Object.freeze(f.metadata.get("t.i16") as GgufValue & { type: "arr" });
    expect(frozen.value).toHaveLength(N);
    expect(frozen.value).toBe(frozen.value);
  });

  it("still fail on open when an item is bad, with the eager decode's error", async () => {
    const path = tmp.path("bad.gguf");
    await writeGguf(path, { metadata: bigArrays(), tensors: [] });
    const { readFileSync } = await import("node:fs");
    const good = readFileSync(path);
    // Break the 100th token's first byte (a long one follows it, so the bad byte sits inside a stretch).
    const at = good.indexOf(Buffer.from(tokens[100] as string));
    const badUtf8 = Buffer.from(good);
    badUtf8[at] = 0xff;
    writeFileSync(path, badUtf8);
    await expect(openGguf(path)).rejects.toMatchObject({
      message: expect.stringMatching(/string item \(not valid UTF-8\) of "tokenizer.ggml.tokens"/),
      offset: at - 8,
    });
    // A bool array item that is neither 0 nor 1.
    const boolKey = good.indexOf(Buffer.from("t.bool"));
    const firstBool = boolKey + "t.bool".length + 4 + 4 + 8;
    const badBool = Buffer.from(good);
    badBool[firstBool + 7] = 2;
    writeFileSync(path, badBool);
    await expect(openGguf(path)).rejects.toMatchObject({ offset: firstBool + 7, found: 2 });
  });
});

describe("arrayHead", () => {
  it("gives a lazy array's length and first items without decoding the rest", async () => {
    const tokens = Array.from({ length: LAZY_ARRAY_MIN_ITEMS + 5 }, (_, i) => `tok${i}`);
    const scores = Array.from({ length: LAZY_ARRAY_MIN_ITEMS + 5 }, (_, i) => i / 2);
    const path = tmp.path("head.gguf");
    await writeGguf(path, {
      metadata: { tokens: ggufValue.array("str", tokens), scores: ggufValue.array("f32", scores) },
      tensors: [],
    });
    const file = await openGguf(path);
    try {
      const value = file.metadata.get("tokens") as GgufValue & { type: "arr" };
      const lazyGetter = Object.getOwnPropertyDescriptor(value, "value")?.get;
      expect(lazyGetter).toBeTypeOf("function");
      expect(arrayHead(value, 3)).toEqual({ length: tokens.length, first: ["tok0", "tok1", "tok2"] });
      // Still undecoded: the getter is in place.
      expect(Object.getOwnPropertyDescriptor(value, "value")?.get).toBe(lazyGetter);
      const floats = file.metadata.get("scores") as GgufValue & { type: "arr" };
      expect(arrayHead(floats, 2)).toEqual({ length: scores.length, first: [0, 0.5] });
      // Once decoded (or replaced), the items themselves answer.
      expect(value.value.length).toBe(tokens.length);
      value.value = ["x"];
      expect(arrayHead(value, 3)).toEqual({ length: 1, first: ["x"] });
    } finally {
      await file.close();
    }
  });
});
