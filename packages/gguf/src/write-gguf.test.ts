import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { InputError } from "@overtone/errors";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import {
  sampleMetadata,
  sampleMetadataWithNesting,
  sampleTensors,
  tempDir,
} from "../../../test/support/gguf-samples.js";
import { describeLibggml, readWithLibggml } from "../../../test/support/libggml-gguf.js";
import { GGML_TYPE } from "./ggml-types.js";
import { openGguf } from "./gguf-file.js";
import { plainValue } from "./gguf-values.js";
import { writeGguf } from "./write-gguf.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

async function writeSample(name: string, alignment?: number): Promise<string> {
  const path = tmp.path(name);
  await writeGguf(path, { metadata: sampleMetadata(), tensors: sampleTensors(), alignment });
  return path;
}

describe("writeGguf → openGguf round trip", () => {
  it("reads back every value type exactly, in order, and every tensor's bytes", async () => {
    const path = tmp.path("roundtrip.gguf");
    const metadata = sampleMetadataWithNesting();
    const tensors = sampleTensors();
    const result = await writeGguf(path, { metadata, tensors });
    await using file = await openGguf(path);
    expect(file.version).toBe(3);
    expect(file.alignment).toBe(32);
    expect(file.dataOffset).toBe(result.dataOffset);
    expect(file.dataOffset % 32).toBe(0);
    expect(file.fileSize).toBe(result.bytes);
    expect([...file.metadata.keys()]).toEqual([...metadata.keys()]);
    expect(file.metadata).toEqual(metadata);
    expect(Object.is((file.metadata.get("test.f32_neg_zero") as { value: number }).value, -0)).toBe(true);
    expect(file.tensors.map((t) => [t.name, t.type, t.shape])).toEqual(
      tensors.map((t) => [t.name, t.type, t.shape]),
    );
    for (const t of tensors) expect(await file.readTensorData(t.name)).toEqual(t.data);
    // Each tensor starts on the alignment and the file ends padded, as ggml writes it.
    for (const t of file.tensors) expect(t.absoluteOffset % 32).toBe(0);
    expect(file.fileSize % 32).toBe(0);
  });

  it("streams tensor data in chunks of the asked size", async () => {
    const path = await writeSample("stream.gguf");
    await using file = await openGguf(path);
    const chunks: Buffer[] = [];
    for await (const c of file.streamTensor("blk.0.attn_q.weight", { chunkSize: 10 })) chunks.push(c);
    // Q8_0 {64, 2}: 2 blocks of 34 bytes per row, 2 rows = 136 bytes.
    expect(chunks.map((c) => c.length)).toEqual([...Array(13).fill(10), 6]);
    expect(Buffer.concat(chunks)).toEqual(await file.readTensorData("blk.0.attn_q.weight"));
    expect(() => file.tensor("nope")).toThrow(InputError);
  });

  it("accepts tensor data as an async stream and a range of another file", async () => {
    const src = await writeSample("src.gguf");
    await using input = await openGguf(src);
    const path = tmp.path("mixed.gguf");
    const q = sampleTensors()[2];
    await writeGguf(path, {
      metadata: new Map(),
      tensors: [
        {
          name: "a",
          type: GGML_TYPE.Q8_0,
          shape: [64, 2],
          data: () => input.streamTensor(q?.name ?? "", { chunkSize: 7 }),
        },
        { name: "b", type: GGML_TYPE.Q8_0, shape: [64, 2], data: input.tensorRange(q?.name ?? "") },
      ],
    });
    await using out = await openGguf(path);
    expect(await out.readTensorData("a")).toEqual(q?.data);
    expect(await out.readTensorData("b")).toEqual(q?.data);
  });

  it("writes a non-default alignment and records it as general.alignment (u32)", async () => {
    const path = await writeSample("align64.gguf", 64);
    await using file = await openGguf(path);
    expect(file.alignment).toBe(64);
    expect(file.metadata.get("general.alignment")).toEqual({ type: "u32", value: 64 });
    for (const t of file.tensors) expect(t.absoluteOffset % 64).toBe(0);
  });
});

describeLibggml("files we write, as libggml's gguf_init_from_file reads them", () => {
  for (const alignment of [undefined, 64]) {
    it(`agrees on metadata, tensor offsets, sizes and data offset (alignment ${alignment ?? "default"})`, async () => {
      const path = await writeSample(`ggml-${alignment}.gguf`, alignment);
      const ggml = readWithLibggml(path);
      expect(ggml, "libggml refused our file").toBeDefined();
      await using ours = await openGguf(path);
      expect(ggml?.version).toBe(ours.version);
      expect(ggml?.alignment).toBe(ours.alignment);
      expect(ggml?.dataOffset).toBe(ours.dataOffset);
      expect(ggml?.metadata).toEqual(ours.metadata);
      expect(ggml?.tensors).toEqual(
        ours.tensors.map((t) => ({
          name: t.name,
          type: t.type,
          offset: t.offset,
          size: t.bytes,
          ne: [0, 1, 2, 3].map((i) => t.shape[i] ?? 1),
        })),
      );
    });
  }
});

describe("files we write, as node-llama-cpp's readGgufFileInfo reads them", () => {
  it("agrees on metadata values and tensor infos", async () => {
    const path = await writeSample("nlc.gguf");
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    await using ours = await openGguf(path);
    expect(info.version).toBe(ours.version);
    const nested: Record<string, unknown> = {};
    for (const [key, v] of ours.metadata) {
      const parts = key.split(".");
      let node = nested;
      for (const p of parts.slice(0, -1)) {
        node[p] ??= {};
        node = node[p] as Record<string, unknown>;
      }
      node[parts.at(-1) as string] = plainValue(v);
    }
    expect(info.metadata).toEqual(nested);
    expect(
      info.tensorInfo?.map((t) => [
        t.name,
        t.dimensions.map(Number),
        t.ggmlType,
        Number(t.offset),
        Number(t.fileOffset),
      ]),
    ).toEqual(ours.tensors.map((t) => [t.name, t.shape, t.type, t.offset, t.absoluteOffset]));
  });
});

describe("writeGguf refuses what it would write wrongly, and leaves nothing behind", () => {
  const cases: [string, Parameters<typeof writeGguf>[1], RegExp][] = [
    ["a u8 out of range", { metadata: { k: { type: "u8", value: 256 } }, tensors: [] }, /k is 256, not a u8/],
    ["a fractional i32", { metadata: { k: { type: "i32", value: 1.5 } }, tensors: [] }, /not a i32/],
    ["a u64 below zero", { metadata: { k: { type: "u64", value: -1n } }, tensors: [] }, /not a u64/],
    [
      "a lone surrogate",
      { metadata: { k: { type: "str", value: "a\uD800" } }, tensors: [] },
      /lone surrogate/,
    ],
    ["an empty key", { metadata: { "": { type: "u8", value: 1 } }, tensors: [] }, /metadata key is empty/],
    [
      "a string alignment key",
      { metadata: { "general.alignment": { type: "str", value: "64" } }, tensors: [] },
      /must be a u32/,
    ],
    ["alignment 48", { metadata: {}, tensors: [], alignment: 48 }, /not a power of two/],
    ["version 1", { metadata: {}, tensors: [], version: 1 }, /version 1/],
    [
      "short tensor data",
      { metadata: {}, tensors: [{ name: "t", type: GGML_TYPE.F32, shape: [4], data: Buffer.alloc(15) }] },
      /got 15 bytes of data, but type 0 with shape \[4\] needs 16/,
    ],
    [
      "a stream that overruns",
      {
        metadata: {},
        tensors: [
          {
            name: "t",
            type: GGML_TYPE.F32,
            shape: [1],
            data: async function* () {
              for (;;) yield Buffer.alloc(3);
            },
          },
        ],
      },
      /at least 6 bytes/,
    ],
    [
      "a row that is not whole blocks",
      { metadata: {}, tensors: [{ name: "t", type: GGML_TYPE.MXFP4, shape: [31], data: Buffer.alloc(0) }] },
      /not a multiple of MXFP4's block size 32/,
    ],
    [
      "a 64-byte tensor name",
      {
        metadata: {},
        tensors: [{ name: "x".repeat(64), type: GGML_TYPE.F32, shape: [1], data: Buffer.alloc(4) }],
      },
      /name must be 1..63 bytes/,
    ],
    [
      "duplicate tensor names",
      {
        metadata: {},
        tensors: [
          { name: "t", type: GGML_TYPE.F32, shape: [1], data: Buffer.alloc(4) },
          { name: "t", type: GGML_TYPE.F32, shape: [1], data: Buffer.alloc(4) },
        ],
      },
      /duplicate name/,
    ],
  ];
  for (const [what, options, message] of cases) {
    it(what, async () => {
      const dir = tempDir();
      const path = dir.path("out.gguf");
      writeFileSync(path, "previous contents");
      await expect(writeGguf(path, options)).rejects.toThrow(message);
      await expect(writeGguf(path, options)).rejects.toBeInstanceOf(InputError);
      // The old file is untouched and no temporary file is left over.
      expect(readFileSync(path, "utf8")).toBe("previous contents");
      expect(readdirSync(dir.dir)).toEqual(["out.gguf"]);
      dir.remove();
    });
  }

  it("replaces an existing file only once the new one is complete", async () => {
    const path = tmp.path("replace.gguf");
    writeFileSync(path, "old");
    await writeGguf(path, { metadata: { k: { type: "u8", value: 1 } }, tensors: [] });
    expect(existsSync(path)).toBe(true);
    await using f = await openGguf(path);
    expect(f.metadata.get("k")).toEqual({ type: "u8", value: 1 });
  });
});
