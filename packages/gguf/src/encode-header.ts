/**
 * Encoding a GGUF header (magic … tensor infos, then zero padding to the alignment) into a few Buffers, exactly
 * as ggml's gguf_write_out lays it out. Values are checked against their declared type first: a number that does
 * not fit a u8, or a string that is not well-formed Unicode, is the caller's bug and would otherwise be written
 * silently wrong (DataView wraps integers; UTF-8 encoding turns lone surrogates into U+FFFD). A value read
 * from a file and still unchanged is copied as its bytes in that file (value-source.ts), and big copies are
 * handed on as pieces of their own rather than copied again into the header buffer.
 */
import { InputError } from "@overtone/errors";
import { GGUF_MAGIC, MAX_STRING_LENGTH } from "./gguf-limits.js";
import type { GgufArray, GgufMetadata, GgufValue, GgufValueTypeName } from "./gguf-values.js";
import { GGUF_VALUE_TYPE } from "./gguf-values.js";
import { unchangedBytes } from "./value-source.js";

export interface HeaderTensor {
  name: string;
  type: number;
  shape: readonly number[];
  /** Relative to the data section. */
  offset: number;
}

const INT_RANGE: Partial<Record<GgufValueTypeName, [number, number]>> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};
const BIG_RANGE = { u64: [0n, (1n << 64n) - 1n], i64: [-(1n << 63n), (1n << 63n) - 1n] } as const;

/** Verbatim bytes at least this long become a piece of their own instead of being copied. */
const OWN_PIECE_BYTES = 64 << 10;

/** A growable little-endian byte buffer, plus finished pieces before it. */
class ByteWriter {
  buf = Buffer.allocUnsafe(1 << 16);
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  len = 0;
  readonly pieces: Buffer[] = [];
  private piecesLength = 0;

  /** Bytes written so far, pieces included. */
  get position(): number {
    return this.piecesLength + this.len;
  }

  bytes(b: Buffer): void {
    if (b.length < OWN_PIECE_BYTES) {
      this.ensure(b.length);
      b.copy(this.buf, this.len);
      this.len += b.length;
      return;
    }
    this.pieces.push(this.buf.subarray(0, this.len), b);
    this.piecesLength += this.len + b.length;
    this.buf = Buffer.allocUnsafe(1 << 16);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.len = 0;
  }

  /** All the bytes, as consecutive pieces. */
  finish(): Buffer[] {
    return [...this.pieces, this.buf.subarray(0, this.len)].filter((p) => p.length > 0);
  }

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }
  u64(v: number | bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.len, BigInt(v), true);
    this.len += 8;
  }
  str(s: string, where: string): void {
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed())
      fail(where, "a string with a lone surrogate");
    // At most 3 UTF-8 bytes per UTF-16 unit, so this is always room enough.
    this.ensure(8 + s.length * 3);
    const n = this.buf.write(s, this.len + 8, "utf8");
    if (n > MAX_STRING_LENGTH) fail(where, `a string of ${n} bytes (limit ${MAX_STRING_LENGTH})`);
    this.view.setBigUint64(this.len, BigInt(n), true);
    this.len += 8 + n;
  }
}

function fail(where: string, what: string): never {
  throw new InputError(`cannot write GGUF: ${where} is ${what}`, { where });
}

function scalar(w: ByteWriter, type: GgufValueTypeName, v: unknown, where: string): void {
  const range = INT_RANGE[type];
  if (range !== undefined) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < range[0] || v > range[1]) {
      fail(where, `${String(v)}, not a ${type}`);
    }
  }
  w.ensure(8);
  const at = w.len;
  switch (type) {
    case "u8":
    case "bool":
      if (type === "bool" && typeof v !== "boolean") fail(where, `${String(v)}, not a bool`);
      w.view.setUint8(at, type === "bool" ? (v ? 1 : 0) : (v as number));
      w.len += 1;
      return;
    case "i8":
      w.view.setInt8(at, v as number);
      w.len += 1;
      return;
    case "u16":
      w.view.setUint16(at, v as number, true);
      w.len += 2;
      return;
    case "i16":
      w.view.setInt16(at, v as number, true);
      w.len += 2;
      return;
    case "u32":
      w.view.setUint32(at, v as number, true);
      w.len += 4;
      return;
    case "i32":
      w.view.setInt32(at, v as number, true);
      w.len += 4;
      return;
    case "f32":
    case "f64":
      if (typeof v !== "number") fail(where, `${String(v)}, not a number`);
      if (type === "f32") w.view.setFloat32(at, v, true);
      else w.view.setFloat64(at, v, true);
      w.len += type === "f32" ? 4 : 8;
      return;
    case "u64":
    case "i64": {
      const big = typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v;
      const [lo, hi] = BIG_RANGE[type];
      if (typeof big !== "bigint" || big < lo || big > hi) fail(where, `${String(v)}, not a ${type}`);
      w.view.setBigUint64(at, BigInt.asUintN(64, big), true);
      w.len += 8;
      return;
    }
    case "str":
      if (typeof v !== "string") fail(where, `${String(v)}, not a string`);
      w.str(v, where);
      return;
    case "arr":
      array(w, v as GgufArray, where);
      return;
  }
}

function array(w: ByteWriter, a: GgufArray, where: string): void {
  const id = GGUF_VALUE_TYPE[a.itemType];
  if (id === undefined || !Array.isArray(a.value)) fail(where, "not a valid GGUF array");
  w.u32(id);
  w.u64(a.value.length);
  for (let i = 0; i < a.value.length; i++) scalar(w, a.itemType, a.value[i], where);
}

function keyValue(w: ByteWriter, key: string, v: GgufValue): void {
  if (key.length === 0) fail("a metadata key", "empty");
  w.str(key, "a metadata key");
  const verbatim = unchangedBytes(v);
  if (verbatim !== undefined) {
    w.bytes(verbatim);
    return;
  }
  const id = GGUF_VALUE_TYPE[v.type];
  if (id === undefined) fail(key, `of unknown type ${String(v.type)}`);
  w.u32(id);
  if (v.type === "arr") array(w, v, key);
  else scalar(w, v.type, v.value, key);
}

/**
 * The header bytes as consecutive pieces, padded with zeros to `alignment` when `pad` (ggml always pads; see
 * write-gguf.ts). Pieces may be views of the header of a file the metadata was read from.
 */
export function encodeHeader(
  version: number,
  metadata: GgufMetadata,
  tensors: readonly HeaderTensor[],
  alignment: number,
  pad: boolean,
): Buffer[] {
  const w = new ByteWriter();
  w.ensure(24);
  w.buf.write(GGUF_MAGIC, 0, "latin1");
  w.len = 4;
  w.u32(version);
  w.u64(tensors.length);
  w.u64(metadata.size);
  for (const [key, v] of metadata) keyValue(w, key, v);
  for (const t of tensors) {
    w.str(t.name, `tensor name "${t.name}"`);
    w.u32(t.shape.length);
    for (const d of t.shape) w.u64(d);
    w.u32(t.type);
    w.u64(t.offset);
  }
  const padding = pad ? Math.ceil(w.position / alignment) * alignment - w.position : 0;
  w.ensure(padding);
  w.buf.fill(0, w.len, w.len + padding);
  w.len += padding;
  return w.finish();
}
