import { readFileSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { GgufFormatError } from "@overtone/errors";
import { afterAll, describe, expect, it } from "vitest";
import { pseudoRandomBytes, tempDir } from "../../../test/support/gguf-samples.js";
import { COPY_CHUNK_BYTES, COPY_LANES, FileSink } from "./file-sink.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("FileSink", () => {
  it("puts small, big, background and copied writes at their places, gaps zeroed", async () => {
    const source = pseudoRandomBytes(COPY_CHUNK_BYTES * (COPY_LANES + 2) + 12345, 3);
    writeFileSync(tmp.path("source"), source);
    await using input = await open(tmp.path("source"));
    const outPath = tmp.path("out");
    const expected: Buffer[] = [];
    {
      await using out = await open(outPath, "wx");
      const sink = new FileSink(out);
      const small = Buffer.from("head");
      const big = pseudoRandomBytes(3 << 20, 4); // over half the staging buffer: written directly
      const behind = pseudoRandomBytes(5 << 20, 5);
      await sink.write(small);
      await sink.writeBehind(behind);
      await sink.write(big);
      await sink.pad(4096);
      const padding = Buffer.alloc((4096 - ((4 + (5 << 20) + (3 << 20)) % 4096)) % 4096);
      // Gaps inside a chunk, across a chunk boundary, and at the very end.
      const gaps: [number, number][] = [
        [10, 20],
        [COPY_CHUNK_BYTES - 5, COPY_CHUNK_BYTES + 7],
        [source.length - 3, source.length - 1],
      ];
      await sink.copyRange({ handle: input, position: 1, length: source.length - 1 }, "t", gaps);
      await sink.write(small);
      await sink.finish();
      expect(sink.position).toBe(4 + (5 << 20) + (3 << 20) + padding.length + source.length - 1 + 4);
      const copied = Buffer.from(source.subarray(1));
      for (const [from, to] of gaps) copied.fill(0, from, to);
      expected.push(small, behind, big, padding, copied, small);
    }
    expect(readFileSync(outPath).equals(Buffer.concat(expected))).toBe(true);
  });

  it("names the tensor where the source ends early, after every lane has settled", async () => {
    writeFileSync(tmp.path("short"), pseudoRandomBytes(COPY_CHUNK_BYTES * 2 + 10, 6));
    await using input = await open(tmp.path("short"));
    await using out = await open(tmp.path("out-short"), "wx");
    const sink = new FileSink(out);
    const range = { handle: input, position: 0, length: COPY_CHUNK_BYTES * 4 };
    const nameAt = (offset: number) => (offset < COPY_CHUNK_BYTES * 2 ? "first" : "second");
    const err = await sink.copyRange(range, nameAt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GgufFormatError);
    expect(err).toMatchObject({ key: "second", offset: COPY_CHUNK_BYTES * 2 + 10 });
  });
});
