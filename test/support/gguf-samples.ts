/**
 * Sample GGUF contents for the gguf tests: metadata with every value type at its edge values, and tensors of
 * several ggml types whose sizes need padding. Deterministic, so a failure reproduces.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GGML_TYPE, tensorByteSize } from "../../packages/gguf/src/ggml-types.js";
import type { GgufMetadata, GgufValue } from "../../packages/gguf/src/gguf-values.js";

/** Every scalar type at its limits, and arrays of each (ggml-compatible: no nested arrays). */
export function sampleMetadata(): GgufMetadata {
  const m = new Map<string, GgufValue>([
    ["general.architecture", { type: "str", value: "gpt-oss" }],
    ["general.name", { type: "str", value: "sample — ünïcödé 🚀 and a genuine \uFFFD" }],
    ["test.empty_string", { type: "str", value: "" }],
    ["test.u8", { type: "u8", value: 255 }],
    ["test.i8", { type: "i8", value: -128 }],
    ["test.u16", { type: "u16", value: 65535 }],
    ["test.i16", { type: "i16", value: -32768 }],
    ["test.u32", { type: "u32", value: 4294967295 }],
    ["test.i32", { type: "i32", value: -2147483648 }],
    ["test.f32", { type: "f32", value: Math.fround(-3.4028234663852886e38) }],
    ["test.f32_neg_zero", { type: "f32", value: -0 }],
    ["test.f64", { type: "f64", value: 1e-300 }],
    ["test.u64", { type: "u64", value: (1n << 64n) - 1n }],
    ["test.i64", { type: "i64", value: -(1n << 63n) }],
    ["test.bool_true", { type: "bool", value: true }],
    ["test.bool_false", { type: "bool", value: false }],
    ["test.arr_u8", { type: "arr", itemType: "u8", value: [0, 1, 255] }],
    ["test.arr_i8", { type: "arr", itemType: "i8", value: [-128, 127] }],
    ["test.arr_u16", { type: "arr", itemType: "u16", value: [0, 65535] }],
    ["test.arr_i16", { type: "arr", itemType: "i16", value: [-32768, 32767] }],
    ["test.arr_u32", { type: "arr", itemType: "u32", value: [0, 4294967295] }],
    ["test.arr_i32", { type: "arr", itemType: "i32", value: [1, -2, 3] }],
    ["test.arr_f32", { type: "arr", itemType: "f32", value: [0.5, -1.25, Math.fround(0.1)] }],
    ["test.arr_f64", { type: "arr", itemType: "f64", value: [0.1, -2e300] }],
    ["test.arr_u64", { type: "arr", itemType: "u64", value: [0n, (1n << 64n) - 1n] }],
    ["test.arr_i64", { type: "arr", itemType: "i64", value: [-(1n << 63n), 5n] }],
    ["test.arr_bool", { type: "arr", itemType: "bool", value: [true, false, true] }],
    ["test.arr_str", { type: "arr", itemType: "str", value: ["a", "", "Ġthe", "日本語", "🦙", "x y"] }],
    ["test.arr_empty", { type: "arr", itemType: "i32", value: [] }],
  ]);
  return m;
}

/** Adds what only the spec (not ggml) allows: an array of arrays. */
export function sampleMetadataWithNesting(): GgufMetadata {
  const m = sampleMetadata();
  m.set("test.arr_nested", {
    type: "arr",
    itemType: "arr",
    value: [
      { itemType: "str", value: ["x", "y"] },
      { itemType: "u8", value: [] },
      { itemType: "arr", value: [{ itemType: "bool", value: [true] }] },
    ],
  });
  return m;
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function pseudoRandomBytes(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export interface SampleTensor {
  name: string;
  type: number;
  shape: number[];
  data: Buffer;
}

/** Tensors of several types; most sizes are not multiples of 32, so every one is followed by padding. */
export function sampleTensors(): SampleTensor[] {
  const specs: [string, number, number[]][] = [
    ["token_embd.weight", GGML_TYPE.F16, [8, 3]],
    ["output_norm.weight", GGML_TYPE.F32, [5]],
    ["blk.0.attn_q.weight", GGML_TYPE.Q8_0, [64, 2]],
    ["blk.0.ffn_up_exps.weight", GGML_TYPE.MXFP4, [32, 2, 3]],
    ["blk.0.attn_k.weight", GGML_TYPE.Q4_K, [256, 1]],
    ["blk.0.attn_v.weight", GGML_TYPE.BF16, [2, 2, 2, 2]],
    ["blk.0.ids", GGML_TYPE.I8, [7]],
  ];
  return specs.map(([name, type, shape], i) => ({
    name,
    type,
    shape,
    data: pseudoRandomBytes(tensorByteSize(type, shape), i + 1),
  }));
}

/** A fresh temporary directory and its cleanup. */
export function tempDir(prefix = "overtone-gguf-"): {
  dir: string;
  path(name: string): string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
