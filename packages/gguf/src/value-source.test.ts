import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { sampleMetadata, sampleTensors, tempDir } from "../../../test/support/gguf-samples.js";
import { itLibggml, writeWithLibggml } from "../../../test/support/libggml-gguf.js";
import { copyWithEdits } from "./copy-with-edits.js";
import { openGguf } from "./gguf-file.js";
import type { GgufMetadata, GgufValue } from "./gguf-values.js";
import { LAZY_ARRAY_MIN_ITEMS } from "./lazy-array.js";
import { unchangedBytes } from "./value-source.js";
import { writeGguf } from "./write-gguf.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

const N = LAZY_ARRAY_MIN_ITEMS + 3;
/** Sample metadata plus arrays big enough to be lazy, some strings long (≥ 128 bytes). */
function metadata(): GgufMetadata {
  const m = sampleMetadata();
  m.set("tokenizer.ggml.tokens", {
    type: "arr",
    itemType: "str",
    value: Array.from({ length: N }, (_, i) => (i % 50 === 7 ? `${"ü".repeat(90)}${i}` : `tok${i}`)),
  });
  m.set("tokenizer.ggml.token_type", {
    type: "arr",
    itemType: "i32",
    value: Array.from({ length: N }, (_, i) => i % 6),
  });
  return m;
}

type ArrayValue = GgufValue & { type: "arr" };

describe("unchanged metadata is copied as the bytes it was read from", () => {
  itLibggml("gives libggml's bytes, with and without an edit", async () => {
    const tensors = sampleTensors().map((t) => ({ name: t.name, type: t.type, ne: t.shape, data: t.data }));
    const input = tmp.path("ggml-big.gguf");
    writeWithLibggml(input, metadata(), tensors);
    const copy = tmp.path("copy.gguf");
    await copyWithEdits(input, copy);
    expect(readFileSync(copy).equals(readFileSync(input))).toBe(true);

    const edited = metadata();
    edited.set("general.name", { type: "str", value: "renamed" });
    const expected = tmp.path("ggml-edited.gguf");
    writeWithLibggml(expected, edited, tensors);
    const ours = tmp.path("ours-edited.gguf");
    await copyWithEdits(input, ours, { setMetadata: { "general.name": { type: "str", value: "renamed" } } });
    expect(readFileSync(ours).equals(readFileSync(expected))).toBe(true);
  });

  it("keeps bits a decode and encode would change (a signalling NaN's payload)", async () => {
    const path = tmp.path("nan.gguf");
    await writeGguf(path, {
      metadata: new Map<string, GgufValue>([
        ["x.nan", { type: "f32", value: 1 }],
        ["x.other", { type: "u8", value: 1 }],
      ]),
      tensors: [],
    });
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from("x.nan")) + 5 + 4;
    bytes.writeUInt32LE(0x7f800001, at); // a signalling NaN; converting it to a double sets the quiet bit
    writeFileSync(path, bytes);
    const out = tmp.path("nan-copy.gguf");
    await copyWithEdits(path, out, { setMetadata: { "x.other": { type: "u8", value: 2 } } });
    expect(readFileSync(out).readUInt32LE(at)).toBe(0x7f800001);
  });
});

describe("a value changed after it was read is encoded again", () => {
  async function opened() {
    const path = tmp.path("source.gguf");
    await writeGguf(path, { metadata: metadata(), tensors: [] });
    return openGguf(path);
  }

  it("has its source bytes only while unchanged", async () => {
    await using f = await opened();
    const get = (k: string) => f.metadata.get(k) as GgufValue;
    for (const value of f.metadata.values()) expect(unchangedBytes(value)).toBeInstanceOf(Buffer);
    // Decoding a lazy array changes nothing.
    expect((get("tokenizer.ggml.tokens") as ArrayValue).value).toHaveLength(N);
    expect(unchangedBytes(get("tokenizer.ggml.tokens"))).toBeInstanceOf(Buffer);
    // A copy is not the value that was read.
    expect(unchangedBytes({ ...get("general.name") } as GgufValue)).toBeUndefined();
  });

  it("writes every kind of change: an item, a new array, a scalar, -0 for 0, a type", async () => {
    await using f = await opened();
    const m = f.metadata;
    const tokens = m.get("tokenizer.ggml.tokens") as ArrayValue & { itemType: "str" };
    tokens.value[7] = "changed";
    (m.get("tokenizer.ggml.token_type") as ArrayValue).value = [1, 2];
    (m.get("test.arr_str") as ArrayValue & { itemType: "str" }).value.push("more");
    (m.get("general.name") as GgufValue & { type: "str" }).value = "renamed";
    (m.get("test.f32_neg_zero") as GgufValue & { type: "f32" }).value = 0;
    Object.assign(m.get("test.u8") as object, { type: "u16", value: 300 });
    for (const k of [
      "tokenizer.ggml.tokens",
      "test.arr_str",
      "general.name",
      "test.f32_neg_zero",
      "test.u8",
    ]) {
      expect(unchangedBytes(m.get(k) as GgufValue), k).toBeUndefined();
    }
    const out = tmp.path("changed.gguf");
    await writeGguf(out, { metadata: m, tensors: [] });
    await using g = await openGguf(out);
    expect(g.metadata).toEqual(m);
    expect(Object.is((g.metadata.get("test.f32_neg_zero") as { value: number }).value, 0)).toBe(true);
  });
});
