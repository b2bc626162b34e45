import { createHash } from "node:crypto";
import { linkSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { InputError } from "@overtone/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  pseudoRandomBytes,
  sampleMetadata,
  sampleTensors,
  tempDir,
} from "../../../test/support/gguf-samples.js";
import {
  describeLibggml,
  NO_LIBGGML,
  readWithLibggml,
  writeWithLibggml,
} from "../../../test/support/libggml-gguf.js";
import { copyWithEdits } from "./copy-with-edits.js";
import { GGML_TYPE } from "./ggml-types.js";
import { openGguf } from "./gguf-file.js";
import { writeGguf } from "./write-gguf.js";

const tmp = tempDir();
let input: string;
beforeAll(async () => {
  input = tmp.path("input.gguf");
  await writeGguf(input, { metadata: sampleMetadata(), tensors: sampleTensors() });
});
afterAll(() => tmp.remove());

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describeLibggml("copying a file written by libggml's gguf_write_to_file", () => {
  it("with no edits gives a byte-identical file", async () => {
    const ggmlFile = tmp.path("by-ggml.gguf");
    writeWithLibggml(
      ggmlFile,
      sampleMetadata(),
      sampleTensors().map((t) => ({ name: t.name, type: t.type, ne: t.shape, data: t.data })),
    );
    const out = tmp.path("by-ggml-copy.gguf");
    await copyWithEdits(ggmlFile, out);
    expect(readFileSync(out).equals(readFileSync(ggmlFile))).toBe(true);
  });

  it("our writer produces the very bytes libggml writes", async () => {
    const ggmlFile = tmp.path("by-ggml-2.gguf");
    // ggml writes ggml_n_dims (trailing 1s dropped); we write the shape as given, so give none.
    const tensors = sampleTensors().map((t) => ({
      ...t,
      shape: t.shape.at(-1) === 1 ? t.shape.slice(0, -1) : t.shape,
    }));
    writeWithLibggml(
      ggmlFile,
      sampleMetadata(),
      tensors.map((t) => ({ name: t.name, type: t.type, ne: t.shape, data: t.data })),
    );
    const ours = tmp.path("by-us.gguf");
    await writeGguf(ours, { metadata: sampleMetadata(), tensors });
    expect(sha(ours)).toBe(sha(ggmlFile));
  });
});

describe("copyWithEdits", () => {
  it("sets keys in place with their exact types, appends new ones, deletes, and leaves the input alone", async () => {
    const before = sha(input);
    const out = tmp.path("edited.gguf");
    await copyWithEdits(input, out, {
      setMetadata: {
        "general.name": { type: "str", value: "renamed" },
        "test.new": { type: "u16", value: 7 },
      },
      deleteMetadata: ["test.i8"],
    });
    expect(sha(input)).toBe(before);
    await using src = await openGguf(input);
    await using f = await openGguf(out);
    const expectedKeys = [...src.metadata.keys()].filter((k) => k !== "test.i8").concat("test.new");
    expect([...f.metadata.keys()]).toEqual(expectedKeys);
    expect(f.metadata.get("general.name")).toEqual({ type: "str", value: "renamed" });
    expect(f.metadata.get("test.u32")).toEqual({ type: "u32", value: 4294967295 });
    for (const t of src.tensors)
      expect(await f.readTensorData(t.name)).toEqual(await src.readTensorData(t.name));
  });

  it("replaces a tensor's data, type and shape and re-lays out the rest", async () => {
    const out = tmp.path("replaced.gguf");
    const newData = pseudoRandomBytes(2 * 34, 99);
    await copyWithEdits(input, out, {
      replaceTensors: { "output_norm.weight": { type: GGML_TYPE.Q8_0, shape: [32, 2], data: newData } },
    });
    await using src = await openGguf(input);
    await using f = await openGguf(out);
    expect(f.getTensor("output_norm.weight")).toMatchObject({
      type: GGML_TYPE.Q8_0,
      typeName: "Q8_0",
      shape: [32, 2],
    });
    expect(await f.readTensorData("output_norm.weight")).toEqual(newData);
    for (const t of src.tensors.filter((x) => x.name !== "output_norm.weight")) {
      expect(await f.readTensorData(t.name)).toEqual(await src.readTensorData(t.name));
    }
    // Only where node-llama-cpp ships no libggml (NO_LIBGGML says why); elsewhere a missing one fails.
    if (NO_LIBGGML === undefined) {
      expect(readWithLibggml(out)?.tensors.map((t) => t.offset)).toEqual(f.tensors.map((t) => t.offset));
    }
  });

  it("refuses to write over its input, under any name", async () => {
    const before = sha(input);
    const link = tmp.path("hardlink.gguf");
    const sym = tmp.path("symlink.gguf");
    linkSync(input, link);
    symlinkSync(input, sym);
    for (const out of [input, `${tmp.dir}/./input.gguf`, link, sym]) {
      await expect(copyWithEdits(input, out)).rejects.toThrow(/it is the input file/);
    }
    expect(sha(input)).toBe(before);
  });

  it("rejects edits that name nothing in the file, before writing anything", async () => {
    const out = tmp.path("never.gguf");
    await expect(copyWithEdits(input, out, { deleteMetadata: ["no.such.key"] })).rejects.toThrow(InputError);
    await expect(
      copyWithEdits(input, out, { replaceTensors: { nope: { data: Buffer.alloc(0) } } }),
    ).rejects.toThrow(/no tensor named "nope"/);
    expect(readdirSync(tmp.dir)).not.toContain("never.gguf");
  });
});
