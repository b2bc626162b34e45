/**
 * Big metadata arrays (a vocabulary: 201,088 tokens, 446,189 merges) are decoded on first access instead of
 * on open. Decoding them means creating ~650k strings, which with the garbage collection it causes was most of
 * the time of opening a gpt-oss GGUF, and a metadata edit never needs them: unchanged values are copied as
 * bytes (value-source.ts).
 *
 * Opening still checks everything the eager decode checks, so a bad file fails on open as before: the skip
 * reads every string's length (limit, truncation) and validates the strings' UTF-8 natively (see
 * skipStrings). Whenever the quick check fails, the caller decodes eagerly, which reports the bad item
 * precisely (the same error as before).
 */
import { isUtf8 } from "node:buffer";
import { MAX_STRING_LENGTH } from "./gguf-limits.js";
import type { GgufArray, GgufValue, GgufValueTypeName } from "./gguf-values.js";
import { GGUF_VALUE_SIZE } from "./gguf-values.js";
import type { HeaderCursor } from "./header-cursor.js";
import { walkShortStrings } from "./string-walk.js";
import { recordDecoded, recordSource } from "./value-source.js";

/** Top-level arrays with at least this many items are decoded on first access. */
export const LAZY_ARRAY_MIN_ITEMS = 1024;

/**
 * How far a string array's skip got before the window ran out, so that the skip resumes there in the next
 * (bigger) window instead of walking the array from its start again. Absolute file offsets.
 */
export class SkipProgress {
  /** Offset of the array's first item; -1 when nothing is saved. */
  at = -1;
  item = 0;
  pos = 0;
  stretch = 0;

  save(at: number, item: number, pos: number, stretch: number): void {
    this.at = at;
    this.item = item;
    this.pos = pos;
    this.stretch = stretch;
  }
}

/**
 * Move the cursor past `n` items, checking them as an eager decode would. Returns false (cursor anywhere)
 * when something is not plainly fine; the caller then decodes eagerly from the array's start, for the error.
 * Throws NeedMoreBytes, or the truncation error, exactly as the eager decode of a string array does.
 */
export function skipArrayItems(
  cur: HeaderCursor,
  itemType: GgufValueTypeName,
  n: number,
  key: string,
  progress: SkipProgress = new SkipProgress(),
): boolean {
  if (itemType === "str") return skipStrings(cur, n, key, progress);
  if (itemType === "arr") return false;
  const size = n * GGUF_VALUE_SIZE[itemType];
  if (itemType !== "bool") {
    cur.need(size, `${itemType} array`, key);
    cur.pos += size;
    return true;
  }
  // Bools are read one by one eagerly (their errors name the item); only an array wholly in the window skips.
  if (cur.pos + size > cur.end) return false;
  const bytes = cur.window(cur.pos, cur.pos + size);
  for (let i = 0; i < size; i++) if ((bytes[i] as number) > 1) return false;
  cur.pos += size;
  return true;
}

/** Whether bytes[from, to) are valid UTF-8 (a plain view: cheaper to make than a Buffer's subarray). */
function validUtf8(bytes: Buffer, from: number, to: number): boolean {
  return isUtf8(new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from));
}

/**
 * Skipping a string array reads every length. The UTF-8 is validated natively in place, a long stretch at a
 * time: a length below 128 is eight ASCII bytes, so between two such prefixes every string sits between ASCII
 * bytes and a stretch is valid UTF-8 exactly when each string in it is. A stretch ends at each longer
 * string's length prefix (not ASCII), which is left out.
 */
function skipStrings(cur: HeaderCursor, n: number, key: string, progress: SkipProgress): boolean {
  const { bytes, base } = cur;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = cur.pos;
  const end = cur.end - base;
  const resume = progress.at === start;
  let p = (resume ? progress.pos : start) - base;
  let i = resume ? progress.item : 0;
  let stretch = (resume ? progress.stretch : start) - base;
  for (;;) {
    ({ at: p, item: i } = walkShortStrings(bytes, p, end, n, i));
    if (i === n) break;
    // A string the walk stopped at: past the window, over the limit, or long.
    if (p + 8 > end) {
      progress.save(start, i, base + p, base + stretch);
      cur.pos = base + p;
      cur.needMoreForArray(8, key, start, i, n);
    }
    const len = view.getUint32(p, true);
    if (len > MAX_STRING_LENGTH || view.getUint32(p + 4, true) !== 0) {
      cur.pos = base + p;
      cur.count("string item length", MAX_STRING_LENGTH, key); // throws, naming the limit
    }
    if (p + 8 + len > end) {
      progress.save(start, i, base + p, base + stretch);
      cur.pos = base + p + 8;
      cur.needMoreForArray(len, key, start, i, n);
    }
    if (!validUtf8(bytes, stretch, p)) return false;
    stretch = p + 8;
    p += 8 + len;
    i++;
  }
  cur.pos = base + p;
  return validUtf8(bytes, stretch, p);
}

/** How a lazy array shows its start without decoding the rest: its length and a decoder of the first items. */
interface LazyHead {
  length: number;
  getter: () => unknown;
  first: (count: number) => GgufArray["value"];
}

const heads = new WeakMap<object, LazyHead>();

/**
 * An array value whose `value` is decoded by `decode` on first access, then kept as a plain data property.
 * `bytes` (type id and payload as in the file) are recorded as its source. Assigning `value` works as usual.
 * `first(k)` decodes only the first k items, for `arrayHead`.
 */
export function lazyArrayValue(
  itemType: Exclude<GgufValueTypeName, "arr">,
  bytes: Buffer,
  decode: () => GgufArray["value"],
  head?: { length: number; first: (count: number) => GgufArray["value"] },
): GgufValue {
  const value = { type: "arr", itemType } as GgufValue & { type: "arr" };
  let items: GgufArray["value"] | undefined;
  const settle = (v: unknown) =>
    Object.defineProperty(value, "value", { value: v, writable: true, enumerable: true, configurable: true });
  const get = (): GgufArray["value"] => {
    if (items === undefined) {
      items = decode();
      recordDecoded(value, items);
      // A frozen value keeps its getter, which goes on returning the same items.
      if (Object.getOwnPropertyDescriptor(value, "value")?.configurable) settle(items);
    }
    return items;
  };
  Object.defineProperty(value, "value", { get, set: settle, enumerable: true, configurable: true });
  recordSource(value, bytes, get);
  if (head !== undefined) heads.set(value, { ...head, getter: get });
  return value;
}

/**
 * An array's length and its first `count` items. A lazy array not decoded yet stays so (a summary of a
 * vocabulary of 200k tokens and 450k merges then costs microseconds instead of a second).
 */
export function arrayHead(array: GgufArray, count: number): { length: number; first: unknown[] } {
  const head = heads.get(array);
  if (head !== undefined && Object.getOwnPropertyDescriptor(array, "value")?.get === head.getter) {
    return { length: head.length, first: head.first(Math.min(count, head.length)) as unknown[] };
  }
  const items: unknown[] = array.value;
  return { length: items.length, first: items.slice(0, count) };
}
