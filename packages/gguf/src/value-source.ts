/**
 * Where a metadata value read from a file came from: its encoded bytes (type id and payload) in that file's
 * header. The writer copies those bytes verbatim for a value that is still as it was read instead of encoding
 * it again; for a gpt-oss vocabulary (13 MB, ~650k strings) that is most of the cost of a metadata edit.
 *
 * "Still as read" is checked, not assumed: values are plain mutable objects, so their type, item type and
 * value (each item, by Object.is, which tells -0 from 0 and matches NaN) are compared with a snapshot taken
 * when the value was decoded. A lazy array that was never decoded cannot have changed. Values not read from a
 * file (or copied into new objects) have no source and are encoded as usual. The output bytes are the same
 * either way; verbatim bytes also keep what a decode/encode round trip could lose (a NaN's payload bits).
 */
import type { GgufValue, GgufValueTypeName } from "./gguf-values.js";

interface Source {
  /** Type id and payload, exactly as in the file (a view of the header bytes that were read). */
  readonly bytes: Buffer;
  readonly type: GgufValueTypeName;
  readonly itemType: GgufValueTypeName | undefined;
  /** The getter of a lazy array (see lazy-array.ts), while it has not been decoded. */
  readonly getter: (() => unknown) | undefined;
  /** The value as decoded: a primitive or a copy of the items; undefined while a lazy array is undecoded. */
  snapshot: unknown;
}

const sources = new WeakMap<object, Source>();

function itemTypeOf(value: GgufValue): GgufValueTypeName | undefined {
  return value.type === "arr" ? value.itemType : undefined;
}

/**
 * Remember that `value` was read from `bytes`. Pass the lazy getter for a lazy array (its items must not be
 * touched here); anything else is snapshotted now. Nested arrays are not recorded: they are rare (ggml cannot
 * read them) and simply encoded again.
 */
export function recordSource(value: GgufValue, bytes: Buffer, lazyGetter?: () => unknown): void {
  const itemType = itemTypeOf(value);
  if (itemType === "arr") return;
  let snapshot: unknown;
  if (lazyGetter === undefined) snapshot = Array.isArray(value.value) ? value.value.slice() : value.value;
  sources.set(value, { bytes, type: value.type, itemType, getter: lazyGetter, snapshot });
}

/** A lazy array has just been decoded into `items`: from now on they are compared with this copy. */
export function recordDecoded(value: GgufValue, items: readonly unknown[]): void {
  const source = sources.get(value);
  if (source !== undefined) source.snapshot = items.slice();
}

/** The value's bytes in its source file, if it has one and is unchanged since it was read; else undefined. */
export function unchangedBytes(value: GgufValue): Buffer | undefined {
  const s = sources.get(value);
  if (s === undefined || value.type !== s.type || itemTypeOf(value) !== s.itemType) return undefined;
  if (s.getter !== undefined && s.snapshot === undefined) {
    // Undecoded: unchanged unless someone assigned `value` (which replaces the getter).
    return Object.getOwnPropertyDescriptor(value, "value")?.get === s.getter ? s.bytes : undefined;
  }
  const now: unknown = value.value;
  const then = s.snapshot;
  if (!Array.isArray(then)) return Object.is(now, then) ? s.bytes : undefined;
  if (!Array.isArray(now) || now.length !== then.length) return undefined;
  for (let i = 0; i < then.length; i++) if (!Object.is(now[i], then[i])) return undefined;
  return s.bytes;
}
