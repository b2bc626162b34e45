/** Truncated and corrupted files: every failure is a GgufFormatError, and where libggml reads a file, we agree. */
import { readFileSync, writeFileSync } from "node:fs";
import { GgufFormatError } from "@overtone/errors";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  sampleMetadata,
  sampleMetadataWithNesting,
  sampleTensors,
  tempDir,
} from "../../../test/support/gguf-samples.js";
import { itLibggml, readWithLibggml } from "../../../test/support/libggml-gguf.js";
import { openGguf } from "./gguf-file.js";
import { writeGguf } from "./write-gguf.js";

const tmp = tempDir();
let valid: Buffer;
let headerEnd: number;
let dataEnd: number;
beforeAll(async () => {
  const path = tmp.path("valid.gguf");
  await writeGguf(path, { metadata: sampleMetadataWithNesting(), tensors: sampleTensors() });
  valid = readFileSync(path);
  const f = await openGguf(path);
  headerEnd = f.headerEnd;
  dataEnd = Math.max(...f.tensors.map((t) => t.absoluteOffset + t.bytes));
  await f.close();
});
afterAll(() => tmp.remove());

async function openBytes(bytes: Buffer, name: string) {
  const path = tmp.path(name);
  writeFileSync(path, bytes);
  return openGguf(path);
}

/** The error opening `bytes` gave, or "accepted". */
async function outcome(bytes: Buffer): Promise<unknown> {
  try {
    const f = await openBytes(bytes, "case.gguf");
    await f.close();
    return "accepted";
  } catch (e) {
    return e;
  }
}

describe("truncated and corrupted files", () => {
  it("every truncation of the header, and of the data, is a GgufFormatError", async () => {
    const cuts = new Set<number>();
    for (let n = 0; n <= headerEnd; n += n < 64 ? 1 : 3) cuts.add(n);
    for (let n = headerEnd; n < dataEnd; n += 7) cuts.add(n);
    cuts.add(dataEnd - 1);
    for (const n of cuts) {
      const e = await outcome(valid.subarray(0, n));
      expect(e, `cut at ${n}`).toBeInstanceOf(GgufFormatError);
      // The error points inside what was there.
      expect((e as GgufFormatError).offset, `cut at ${n}`).toBeLessThanOrEqual(Math.max(n, headerEnd));
    }
    // Only the last tensor's trailing padding missing: every byte is there, so the file reads (as in ggml).
    await using f = await openBytes(valid.subarray(0, dataEnd), "padding-cut.gguf");
    expect(f.tensors).toHaveLength(sampleTensors().length);
  });

  it("random byte flips give a file or a GgufFormatError, never another error or a hang", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: headerEnd + 64 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (flips) => {
          const bytes = Buffer.from(valid);
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          try {
            const f = await openBytes(bytes, "fuzz.gguf");
            await f.close();
          } catch (e) {
            if (!(e instanceof GgufFormatError)) throw e;
          }
        },
      ),
      { numRuns: 300, seed: 20240805 },
    );
  });

  itLibggml("where libggml accepts a corrupted file, we read it the same way or say why not", async () => {
    // ggml rejects nested arrays, so this file has none.
    const path = tmp.path("ggml-valid.gguf");
    await writeGguf(path, { metadata: sampleMetadata(), tensors: sampleTensors() });
    const base = readFileSync(path);
    let agreed = 0;
    await fc.assert(
      // No zero bytes: through koffi, ggml's strings are C strings, and a NUL would cut them short.
      fc.asyncProperty(
        fc.nat({ max: base.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, value) => {
          const bytes = Buffer.from(base);
          bytes[at] = value;
          const fuzzPath = tmp.path("fuzz-ggml.gguf");
          writeFileSync(fuzzPath, bytes);
          const ggml = readWithLibggml(fuzzPath);
          let ours: Awaited<ReturnType<typeof openGguf>>;
          try {
            ours = await openGguf(fuzzPath);
          } catch (e) {
            if (e instanceof GgufFormatError) return;
            throw e;
          }
          try {
            if (ggml === undefined) return;
            expect(ours.metadata).toEqual(ggml.metadata);
            expect(ours.dataOffset).toBe(ggml.dataOffset);
            expect(ours.tensors.map((t) => [t.name, t.type, t.offset, t.bytes])).toEqual(
              ggml.tensors.map((t) => [t.name, t.type, t.offset, t.size]),
            );
            agreed++;
          } finally {
            await ours.close();
          }
        },
      ),
      { numRuns: 150, seed: 7 },
    );
    // Most flips land in string bytes or tensor data, which both readers accept: the comparison did run.
    expect(agreed).toBeGreaterThan(50);
  });
});
