/**
 * Test-only binding (koffi) to the libggml-base.so that node-llama-cpp ships: the oracle the GGUF codecs are
 * compared against. It calls ggml's own `to_float` from `ggml_get_type_traits` and the reference quantizers
 * (`quantize_row_*_ref`, `ggml_fp32_to_fp16_row`, `ggml_fp32_to_bf16_row_ref`). In libggml-base v0.5.0 the
 * fp16 conversions are computed inline (no lookup tables), so no `ggml_init` is needed first.
 *
 * The product never imports this; only engine/ may use koffi outside tests. If the library is missing the
 * first call throws with the path it looked in and how to install it (libggml-location.ts) — the tests must
 * not silently pass without their oracle.
 */
import koffi, { type LibraryHandle } from "koffi";
import { libggmlPath } from "./libggml-location.js";

const Traits = koffi.struct("overtone_ggml_type_traits", {
  type_name: "const char *",
  blck_size: "int64",
  blck_size_interleave: "int64",
  type_size: "size_t",
  is_quantized: "bool",
  to_float: "void *",
  from_float_ref: "void *",
});
const RowFn = koffi.proto("void overtone_ggml_row_fn(const void *x, void *y, int64 k)");

export interface GgmlTraits {
  readonly name: string;
  readonly blockSize: number;
  readonly typeSize: number;
  readonly quantized: boolean;
  readonly hasToFloat: boolean;
  readonly hasFromFloatRef: boolean;
}

type RowCall = (x: ArrayBufferView, y: ArrayBufferView, k: number) => void;

interface Bound {
  getTraits: (type: number) => unknown;
  named: Map<string, RowCall>;
  lib: LibraryHandle;
}

let bound: Bound | undefined;

function lib(): Bound {
  if (bound !== undefined) return bound;
  const handle = koffi.load(libggmlPath());
  bound = { getTraits: handle.func("void *ggml_get_type_traits(int type)"), named: new Map(), lib: handle };
  return bound;
}

function rawTraits(type: number): {
  type_name: string;
  blck_size: number;
  type_size: number;
  is_quantized: boolean;
  to_float: unknown;
  from_float_ref: unknown;
} {
  return koffi.decode(lib().getTraits(type), Traits);
}

export function ggmlTraits(type: number): GgmlTraits {
  const t = rawTraits(type);
  return {
    name: t.type_name,
    blockSize: Number(t.blck_size),
    typeSize: Number(t.type_size),
    quantized: t.is_quantized,
    hasToFloat: t.to_float !== null,
    hasFromFloatRef: t.from_float_ref !== null,
  };
}

/** ggml's `to_float` for `type` over `count` elements of `bytes`. */
export function ggmlToFloat(type: number, bytes: Uint8Array, count: number): Float32Array {
  const t = rawTraits(type);
  if (t.to_float === null) throw new Error(`ggml type ${type} has no to_float`);
  const fn = koffi.decode(t.to_float, RowFn) as RowCall;
  const out = new Float32Array(count);
  fn(bytes, out, count);
  return out;
}

/** ggml's `from_float_ref` for `type` (the reference quantizer / converter), into `byteLength` bytes. */
export function ggmlFromFloatRef(type: number, values: Float32Array, byteLength: number): Uint8Array {
  const t = rawTraits(type);
  if (t.from_float_ref === null) throw new Error(`ggml type ${type} has no from_float_ref`);
  const fn = koffi.decode(t.from_float_ref, RowFn) as RowCall;
  const out = new Uint8Array(byteLength);
  fn(values, out, values.length);
  return out;
}

/** Calls an exported `void name(const void *x, void *y, int64 k)` row function by symbol name. */
export function ggmlRow(name: string, x: ArrayBufferView, y: ArrayBufferView, k: number): void {
  const b = lib();
  let fn = b.named.get(name);
  if (fn === undefined) {
    fn = b.lib.func(name, "void", ["const void *", "void *", "int64"]) as RowCall;
    b.named.set(name, fn);
  }
  fn(x, y, k);
}

function hex(bits: number): string {
  return `0x${bits.toString(16).padStart(8, "0")}`;
}

/**
 * The first index where `ours` and `ref` (ggml's) differ as float32 bit patterns, described, or undefined when
 * they agree. NaN payloads count only when `nanPayloads` is set: elsewhere any NaN matches any NaN, but a NaN
 * must still sit exactly where ggml has one.
 */
export function firstFloatMismatch(
  ours: Float32Array,
  ref: Float32Array,
  nanPayloads = false,
): string | undefined {
  if (ours.length !== ref.length) return `length ${ours.length} vs ggml ${ref.length}`;
  const a = new Uint32Array(ours.buffer, ours.byteOffset, ours.length);
  const b = new Uint32Array(ref.buffer, ref.byteOffset, ref.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x === y) continue;
    const bothNaN = (x & 0x7fffffff) > 0x7f800000 && (y & 0x7fffffff) > 0x7f800000;
    if (bothNaN && !nanPayloads) continue;
    return `element ${i}: ours ${hex(x)} (${ours[i]}) vs ggml ${hex(y)} (${ref[i]})`;
  }
  return undefined;
}

/** The first byte where `ours` and `ref` differ, described, or undefined when they are identical. */
export function firstByteMismatch(ours: Uint8Array, ref: Uint8Array, blockBytes = 1): string | undefined {
  if (ours.length !== ref.length) return `length ${ours.length} vs ggml ${ref.length}`;
  for (let i = 0; i < ours.length; i++) {
    if (ours[i] !== ref[i]) {
      const block = Math.floor(i / blockBytes);
      return `byte ${i} (block ${block}, offset ${i % blockBytes}): ours ${ours[i]} vs ggml ${ref[i]}`;
    }
  }
  return undefined;
}
