/**
 * Reading one metadata key/value pair. Array counts are checked against what the rest of the file could hold
 * before anything is allocated (`count × smallest item size ≤ bytes left`), so a corrupt count fails at once
 * instead of looping or allocating a billion-slot array. Big top-level arrays are checked but decoded only
 * on first access (lazy-array.ts), and every value remembers its bytes in the file (value-source.ts).
 */

import { MAX_ARRAY_LENGTH, MAX_ARRAY_NESTING, MAX_STRING_LENGTH } from "./gguf-limits.js";
import type { GgufArray, GgufValue, GgufValueTypeName } from "./gguf-values.js";
import { GGUF_VALUE_SIZE, ggufValueTypeName } from "./gguf-values.js";
import { formatError, HeaderCursor } from "./header-cursor.js";
import { LAZY_ARRAY_MIN_ITEMS, lazyArrayValue, type SkipProgress, skipArrayItems } from "./lazy-array.js";
import { recordSource } from "./value-source.js";

/** Smallest encoded size of one array item: a string is at least its u64 length, an array its type and count. */
function minItemSize(type: GgufValueTypeName): number {
  if (type === "str") return 8;
  if (type === "arr") return 12;
  return GGUF_VALUE_SIZE[type];
}

function readType(cur: HeaderCursor, what: string, key: string): GgufValueTypeName {
  const at = cur.pos;
  const id = cur.u32(what);
  const name = ggufValueTypeName(id);
  if (name === undefined) throw formatError(what, at, { key, found: id, limit: "0..12" });
  return name;
}

function readScalar(cur: HeaderCursor, type: Exclude<GgufValueTypeName, "arr">, key: string): GgufValue {
  switch (type) {
    case "u8":
      return { type, value: cur.u8("u8 value") };
    case "i8":
      return { type, value: cur.i8("i8 value") };
    case "u16":
      return { type, value: cur.u16("u16 value") };
    case "i16":
      return { type, value: cur.i16("i16 value") };
    case "u32":
      return { type, value: cur.u32("u32 value") };
    case "i32":
      return { type, value: cur.i32("i32 value") };
    case "f32":
      return { type, value: cur.f32("f32 value") };
    case "f64":
      return { type, value: cur.f64("f64 value") };
    case "u64":
      return { type, value: cur.u64("u64 value") };
    case "i64":
      return { type, value: cur.i64("i64 value") };
    case "bool":
      return { type, value: readBool(cur, key) };
    case "str":
      return { type, value: cur.string("string value", key) };
  }
}

/** ggml reads any non-zero byte as true; only 0 and 1 survive a rewrite unchanged, so others are rejected. */
function readBool(cur: HeaderCursor, key: string): boolean {
  const at = cur.pos;
  const b = cur.u8("bool value");
  if (b > 1) throw formatError("bool value", at, { key, found: b, limit: "0 or 1" });
  return b === 1;
}

/** An array's item type and length, checked. */
function readArrayHead(cur: HeaderCursor, key: string, depth: number): [GgufValueTypeName, number] {
  const typeAt = cur.pos;
  const itemType = readType(cur, "array item type", key);
  if (itemType === "arr" && depth >= MAX_ARRAY_NESTING) {
    throw formatError("array nesting", typeAt, { key, found: depth + 1, limit: MAX_ARRAY_NESTING });
  }
  const countAt = cur.pos;
  const n = cur.count("array length", MAX_ARRAY_LENGTH, key);
  if (n * minItemSize(itemType) > cur.fileRemaining) {
    throw formatError("array length (more items than the file can hold)", countAt, {
      key,
      found: n,
      limit: Math.floor(cur.fileRemaining / minItemSize(itemType)),
    });
  }
  return [itemType, n];
}

function readArray(cur: HeaderCursor, key: string, depth: number): GgufArray {
  const [itemType, n] = readArrayHead(cur, key, depth);
  return readItems(cur, itemType, n, key, depth);
}

/** A top-level array value; `typeAt` is the offset of its value type (the start of its recorded bytes). */
function readTopArray(cur: HeaderCursor, key: string, typeAt: number, progress?: SkipProgress): GgufValue {
  const [itemType, n] = readArrayHead(cur, key, 1);
  const itemsAt = cur.pos;
  if (itemType !== "arr" && n >= LAZY_ARRAY_MIN_ITEMS) {
    if (skipArrayItems(cur, itemType, n, key, progress)) {
      const items = cur.window(itemsAt, cur.pos);
      const fileSize = cur.fileSize;
      const decodeFirst = (count: number) =>
        readItems(new HeaderCursor(items, itemsAt, fileSize), itemType, count, key, 1).value;
      return lazyArrayValue(itemType, cur.window(typeAt, cur.pos), () => decodeFirst(n), {
        length: n,
        first: decodeFirst,
      });
    }
    cur.pos = itemsAt; // the eager decode below reports what is wrong
  }
  const value = { type: "arr", ...readItems(cur, itemType, n, key, 1) } as GgufValue;
  recordSource(value, cur.window(typeAt, cur.pos));
  return value;
}

function readItems(
  cur: HeaderCursor,
  itemType: GgufValueTypeName,
  n: number,
  key: string,
  depth: number,
): GgufArray {
  switch (itemType) {
    case "str":
      return { itemType, value: cur.stringArray(n, key) };
    case "arr": {
      const value: GgufArray[] = new Array(n);
      for (let i = 0; i < n; i++) value[i] = readArray(cur, key, depth + 1);
      return { itemType, value };
    }
    case "bool": {
      const value: boolean[] = new Array(n);
      for (let i = 0; i < n; i++) value[i] = readBool(cur, key);
      return { itemType, value };
    }
    case "u64":
    case "i64": {
      cur.need(n * 8, `${itemType} array`, key);
      const value: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) value[i] = itemType === "u64" ? cur.u64("u64 item") : cur.i64("i64 item");
      return { itemType, value };
    }
    default: {
      cur.need(n * GGUF_VALUE_SIZE[itemType], `${itemType} array`, key);
      return { itemType, value: cur.numbers(itemType, n) };
    }
  }
}

/**
 * One key/value pair at the cursor. Pass the same `progress` when reading the pair again in a bigger window
 * after NeedMoreBytes, and a big array's skip resumes where it stopped.
 */
export function readKeyValue(cur: HeaderCursor, progress?: SkipProgress): [string, GgufValue] {
  const keyAt = cur.pos;
  const key = cur.string("metadata key");
  if (key.length === 0)
    throw formatError("metadata key (empty)", keyAt, { limit: `1..${MAX_STRING_LENGTH} bytes` });
  const typeAt = cur.pos;
  const type = readType(cur, "metadata value type", key);
  if (type === "arr") return [key, readTopArray(cur, key, typeAt, progress)];
  const value = readScalar(cur, type, key);
  recordSource(value, cur.window(typeAt, cur.pos));
  return [key, value];
}
