/** Each kind of bad header gives a GgufFormatError that says what, where, what was found and the limit. */
import { writeFileSync } from "node:fs";
import { GgufFormatError } from "@overtone/errors";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/gguf-samples.js";
import { GGML_TYPE } from "./ggml-types.js";
import { openGguf } from "./gguf-file.js";
import {
  HEADER_INITIAL_READ,
  MAX_ARRAY_LENGTH,
  MAX_KV_COUNT,
  MAX_STRING_LENGTH,
  MAX_TENSOR_COUNT,
} from "./gguf-limits.js";
import { writeGguf } from "./write-gguf.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Little builder for hand-made headers. */
class Bytes {
  parts: Buffer[] = [];
  raw(b: Buffer | string): this {
    this.parts.push(typeof b === "string" ? Buffer.from(b, "latin1") : b);
    return this;
  }
  u32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return this.raw(b);
  }
  u64(n: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return this.raw(b);
  }
  str(s: string | Buffer): this {
    const b = typeof s === "string" ? Buffer.from(s, "utf8") : s;
    return this.u64(b.length).raw(b);
  }
  head(tensors: number, kvs: number, version = 3): this {
    return this.raw("GGUF").u32(version).u64(tensors).u64(kvs);
  }
  tensor(name: string, dims: number[], type: number, offset: number): this {
    this.str(name).u32(dims.length);
    for (const d of dims) this.u64(d);
    return this.u32(type).u64(offset);
  }
  build(padTo = 0): Buffer {
    const b = Buffer.concat(this.parts);
    return padTo > b.length ? Buffer.concat([b, Buffer.alloc(padTo - b.length)]) : b;
  }
}

async function openBytes(bytes: Buffer, name = "case.gguf") {
  const path = tmp.path(name);
  writeFileSync(path, bytes);
  return openGguf(path);
}

async function formatErrorOf(bytes: Buffer): Promise<GgufFormatError> {
  try {
    const f = await openBytes(bytes);
    await f.close();
  } catch (e) {
    if (e instanceof GgufFormatError) return e;
    throw e;
  }
  throw new Error("the file was accepted");
}

describe("GgufFormatError for each kind of bad header", () => {
  const cases: [string, () => Buffer, Partial<GgufFormatError>, RegExp][] = [
    [
      "not GGUF",
      () => Buffer.from("PK\x03\x04 not a gguf at all......"),
      { offset: 0 },
      /bad magic at byte 0: found "PK/,
    ],
    [
      "GGUF v1",
      () => new Bytes().head(0, 0, 1).build(),
      { offset: 4, found: 1 },
      /version.*found 1 \(limit 2\.\.3\)/,
    ],
    ["GGUF v4", () => new Bytes().head(0, 0, 4).build(), { found: 4 }, /version/],
    ["big-endian", () => new Bytes().head(0, 0, 0x03000000).build(), { found: 0x03000000 }, /version/],
    [
      "too many tensors",
      () => new Bytes().head(MAX_TENSOR_COUNT + 1, 0).build(),
      { offset: 8, limit: MAX_TENSOR_COUNT },
      /tensor count/,
    ],
    [
      "too many keys",
      () => new Bytes().head(0, MAX_KV_COUNT + 1).build(),
      { offset: 16, limit: MAX_KV_COUNT },
      /key\/value count/,
    ],
    [
      "a 2^64-1 key length",
      () =>
        new Bytes()
          .head(0, 1)
          .u64(2n ** 64n - 1n)
          .build(),
      { offset: 24, limit: MAX_STRING_LENGTH },
      /metadata key length.*found 18446744073709551615/,
    ],
    [
      "a key longer than the file",
      () => new Bytes().head(0, 1).u64(1000).raw("abc").build(),
      { offset: 32 },
      /file truncated/,
    ],
    [
      "an empty key",
      () => new Bytes().head(0, 1).str("").u32(0).raw("x").build(),
      { offset: 24 },
      /metadata key \(empty\)/,
    ],
    [
      "an unknown value type",
      () => new Bytes().head(0, 1).str("k").u32(13).build(),
      { key: "k", found: 13 },
      /metadata value type of "k"/,
    ],
    [
      "a duplicate key",
      () => new Bytes().head(0, 2).str("k").u32(0).raw("\x01").str("k").u32(0).raw("\x02").build(),
      { key: "k" },
      /duplicate/,
    ],
    [
      "a bool of 2",
      () => new Bytes().head(0, 1).str("k").u32(7).raw("\x02").build(),
      { found: 2, offset: 37 },
      /bool value/,
    ],
    [
      "an array longer than the file could hold",
      () => new Bytes().head(0, 1).str("k").u32(9).u32(4).u64(1_000_000).build(),
      { key: "k", found: 1_000_000 },
      /array length \(more items than the file can hold\)/,
    ],
    [
      "an array over MAX_ARRAY_LENGTH",
      () =>
        new Bytes()
          .head(0, 1)
          .str("k")
          .u32(9)
          .u32(0)
          .u64(MAX_ARRAY_LENGTH + 1)
          .build(),
      { limit: MAX_ARRAY_LENGTH },
      /array length/,
    ],
    [
      "arrays nested too deep",
      () => {
        const b = new Bytes().head(0, 1).str("k").u32(9);
        for (let i = 0; i < 20; i++) b.u32(9).u64(1);
        return b.build(1000);
      },
      { key: "k" },
      /array nesting/,
    ],
    [
      "invalid UTF-8 in a value",
      () =>
        new Bytes()
          .head(0, 1)
          .str("k")
          .u32(8)
          .str(Buffer.from([0x61, 0xc3]))
          .build(),
      { key: "k" },
      /not valid UTF-8/,
    ],
    [
      "invalid UTF-8 in a string array",
      () =>
        new Bytes()
          .head(0, 1)
          .str("k")
          .u32(9)
          .u32(8)
          .u64(3)
          .str("ok")
          .str(Buffer.from([0xed, 0xa0, 0x80]))
          .str("ok")
          .build(),
      { key: "k" },
      /string item \(not valid UTF-8\)/,
    ],
    [
      "alignment that is not u32",
      () => new Bytes().head(0, 1).str("general.alignment").u32(10).u64(32).build(),
      { key: "general.alignment" },
      /must be a u32 power of two/,
    ],
    [
      "alignment 48",
      () => new Bytes().head(0, 1).str("general.alignment").u32(4).u32(48).build(),
      { found: 48 },
      /power of two/,
    ],
    [
      "5 dimensions",
      () => new Bytes().head(1, 0).tensor("t", [1, 1, 1, 1, 1], 0, 0).build(),
      { key: "t", found: 5, limit: 4 },
      /tensor n_dims/,
    ],
    [
      "an element count past 2^53",
      () =>
        new Bytes()
          .head(1, 0)
          .tensor("t", [2 ** 30, 2 ** 30], 0, 0)
          .build(),
      { key: "t" },
      /element count overflow/,
    ],
    [
      "a removed ggml type (4)",
      () => new Bytes().head(1, 0).tensor("t", [32], 4, 0).build(64),
      { key: "t", found: 4 },
      /unknown or removed ggml type/,
    ],
    [
      "a negative ggml type",
      () => new Bytes().head(1, 0).tensor("t", [32], -1, 0).build(64),
      { found: -1 },
      /unknown or removed/,
    ],
    [
      "a row that is not whole blocks",
      () => new Bytes().head(1, 0).tensor("t", [33], GGML_TYPE.Q8_0, 0).build(128),
      { key: "t", found: 33, limit: 32 },
      /not a whole number of Q8_0 blocks/,
    ],
    [
      "unaligned tensor data",
      () => new Bytes().head(1, 0).tensor("t", [1], 0, 4).build(128),
      { key: "t", found: 4 },
      /unaligned/,
    ],
    [
      "tensor data past the end",
      () => new Bytes().head(1, 0).tensor("t", [64], 0, 0).build(96),
      { key: "t" },
      /past the end of the file/,
    ],
    [
      "overlapping tensors",
      () => new Bytes().head(2, 0).tensor("a", [16], 0, 0).tensor("b", [16], 0, 32).build(256),
      { key: "b", found: 32 },
      /overlaps another tensor.*the end of "a"/,
    ],
    [
      "a zero-size tensor hiding an overlap",
      () =>
        new Bytes()
          .head(3, 0)
          .tensor("a", [64], 0, 0)
          .tensor("z", [0], 0, 32)
          .tensor("b", [8], 0, 64)
          .build(512),
      { key: "b" },
      /overlaps/,
    ],
    [
      "duplicate tensor names",
      () => new Bytes().head(2, 0).tensor("t", [8], 0, 0).tensor("t", [8], 0, 32).build(256),
      { key: "t" },
      /duplicate/,
    ],
  ];
  for (const [what, bytes, fields, message] of cases) {
    it(what, async () => {
      const e = await formatErrorOf(bytes());
      expect(e.message).toMatch(message);
      expect(e).toMatchObject({ code: "GGUF_FORMAT", ...fields });
    });
  }
});

describe("reading in windows", () => {
  it("reads a header several times bigger than the first window, with strings across window edges", async () => {
    const big = Array.from({ length: 150_000 }, (_, i) =>
      i % 3 === 0 ? `Ġtok${i}` : i % 3 === 1 ? `日本${i}` : `🦙${i}`,
    );
    const path = tmp.path("big-header.gguf");
    await writeGguf(path, {
      metadata: new Map([
        ["a", { type: "str", value: "x".repeat(HEADER_INITIAL_READ + 3) }],
        ["tokenizer.ggml.tokens", { type: "arr", itemType: "str", value: big }],
        ["tokenizer.ggml.scores", { type: "arr", itemType: "f32", value: big.map((_, i) => i / 2) }],
      ]),
      tensors: [
        {
          name: "t",
          type: GGML_TYPE.F32,
          shape: [3],
          data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        },
      ],
    });
    await using f = await openGguf(path);
    expect(f.headerEnd).toBeGreaterThan(3 * HEADER_INITIAL_READ);
    const tokens = f.metadata.get("tokenizer.ggml.tokens");
    expect(tokens).toEqual({ type: "arr", itemType: "str", value: big });
    expect([...(await f.readTensorData("t"))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("keeps a genuine U+FFFD in a string array and accepts files with no tensors unpadded (gguf-py)", async () => {
    const bytes = new Bytes().head(0, 1).str("k").u32(9).u32(8).u64(2).str("\uFFFD").str("é").build();
    await using f = await openBytes(bytes);
    expect(f.metadata.get("k")).toEqual({ type: "arr", itemType: "str", value: ["\uFFFD", "é"] });
    expect(f.dataOffset).toBe(bytes.length);
  });
});
