import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { GgufFormatError } from "@overtone/errors";
import { afterAll, describe, expect, it } from "vitest";
import { sampleMetadata, sampleTensors, tempDir } from "../../../test/support/gguf-samples.js";
import { copyWithEdits } from "./copy-with-edits.js";
import type { HeaderTensor } from "./encode-header.js";
import { openGguf } from "./gguf-file.js";
import { planCopyRuns } from "./tensor-runs.js";
import { writeGguf } from "./write-gguf.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("planCopyRuns", () => {
  it("joins ranges laid out as in the output, and splits at anything else", async () => {
    writeFileSync(tmp.path("a"), "a");
    writeFileSync(tmp.path("b"), "b");
    await using a = await open(tmp.path("a"));
    await using b = await open(tmp.path("b"));
    // Output: sizes 10, 20, 5, 7, 3 at offsets aligned to 32.
    const sizes = [10, 20, 5, 7, 3, 4];
    const infos = [0, 32, 64, 96, 128, 160].map((offset) => ({ offset }) as HeaderTensor);
    const plan = planCopyRuns(
      [
        { handle: a, position: 100, length: 10 },
        { handle: a, position: 132, length: 20 }, // same gap as the output (22): joins
        { handle: a, position: 200, length: 5 }, // another gap: a new run
        Buffer.alloc(7), // in memory: alone
        { handle: b, position: 0, length: 3 }, // another file
        { handle: b, position: 32, length: 3 }, // wrong length: alone (reported when written)
      ],
      infos,
      sizes,
    );
    expect(plan).toEqual([
      {
        first: 0,
        count: 2,
        range: { handle: a, position: 100, length: 52 },
        gaps: [[10, 32]],
        starts: [0, 32],
      },
      { first: 2, count: 1, range: { handle: a, position: 200, length: 5 }, gaps: [], starts: [0] },
      3,
      { first: 4, count: 1, range: { handle: b, position: 0, length: 3 }, gaps: [], starts: [0] },
      5,
    ]);
  });
});

describe("copying runs of tensors", () => {
  it("writes zeros between tensors whatever the input has there, tensor by tensor or in runs", async () => {
    const input = tmp.path("dirty-padding.gguf");
    await writeGguf(input, { metadata: sampleMetadata(), tensors: sampleTensors() });
    const clean = readFileSync(input);
    const dirty = Buffer.from(clean);
    {
      await using f = await openGguf(input);
      for (const t of f.tensors) {
        const end = t.absoluteOffset + t.bytes;
        dirty.fill(0xee, end, Math.ceil(end / f.alignment) * f.alignment);
      }
    }
    expect(dirty.equals(clean)).toBe(false);
    writeFileSync(input, dirty);
    const out = tmp.path("clean-copy.gguf");
    await copyWithEdits(input, out);
    expect(readFileSync(out).equals(clean)).toBe(true);
    // A replaced tensor in the middle splits the run in two; the rest is still copied right.
    const replaced = sampleTensors();
    const middle = replaced[3] as (typeof replaced)[number];
    middle.data = Buffer.alloc(middle.data.length, 7);
    const expected = tmp.path("expected.gguf");
    await writeGguf(expected, { metadata: sampleMetadata(), tensors: replaced });
    await copyWithEdits(input, out, { replaceTensors: { [middle.name]: { data: middle.data } } });
    expect(readFileSync(out).equals(readFileSync(expected))).toBe(true);
  });

  it("names the tensor whose bytes are missing when the input shrinks during the copy", async () => {
    const input = tmp.path("shrinks.gguf");
    await writeGguf(input, { metadata: sampleMetadata(), tensors: sampleTensors() });
    await using f = await openGguf(input);
    const victim = f.tensors[4] as (typeof f.tensors)[number];
    truncateSync(input, victim.absoluteOffset + 1);
    const err = await writeGguf(tmp.path("never.gguf"), {
      metadata: sampleMetadata(),
      tensors: f.tensors.map((t) => ({ ...t, data: f.tensorRange(t.name) })),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GgufFormatError);
    expect(err).toMatchObject({ key: victim.name });
  });
});
