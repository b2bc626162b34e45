/**
 * A synchronous little-endian cursor over one window of a GGUF header. The header is read from the file in
 * growing windows (never the whole file); when a field runs past the window the cursor throws `NeedMoreBytes`,
 * and the async driver (`read-header.ts`) reads a bigger window and resumes from the last complete item.
 * Keeping the hot path synchronous matters: a gpt-oss header holds ~650k strings, and an `await` per string
 * would cost more than decoding them.
 */
import { GgufFormatError } from "@overtone/errors";
import { MAX_STRING_LENGTH } from "./gguf-limits.js";

/** Thrown (not an Error: no stack to capture) when the window ends before `end`, but the file does not. */
export class NeedMoreBytes {
  constructor(readonly end: number) {}
}

export interface FormatErrorDetails {
  key?: string;
  found?: number | bigint | string;
  limit?: number | bigint | string;
  hint?: string;
}

/** A GgufFormatError whose message states what, where, what was found and the limit. */
export function formatError(what: string, offset: number, details: FormatErrorDetails = {}): GgufFormatError {
  const about = details.key === undefined ? "" : ` of "${details.key}"`;
  const found = details.found === undefined ? "" : `: found ${details.found}`;
  const limit = details.limit === undefined ? "" : ` (limit ${details.limit})`;
  return new GgufFormatError(`GGUF: bad ${what}${about} at byte ${offset}${found}${limit}`, {
    offset,
    what,
    ...details,
  });
}

const NUMBER_SIZE = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, f64: 8 } as const;

/** Above this many bytes a string array is decoded string by string (V8 strings stop near 512 Mi units). */
const MAX_BATCH_TEXT = 256 << 20;

export class HeaderCursor {
  /** Absolute file offset of the next byte to read. */
  pos: number;
  private readonly view: DataView;
  /** Absolute file offset just past the window. */
  readonly end: number;

  constructor(
    /** The window's bytes. */
    readonly bytes: Buffer,
    /** Absolute file offset of bytes[0]. */
    readonly base: number,
    readonly fileSize: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = base + bytes.byteLength;
    this.pos = base;
  }

  /** Bytes left in the file from the cursor on (not just in the window). */
  get fileRemaining(): number {
    return this.fileSize - this.pos;
  }

  /** The window's bytes between two absolute offsets (a view, not a copy). */
  window(from: number, to: number): Buffer {
    return this.bytes.subarray(from - this.base, to - this.base);
  }

  /** Make sure `n` bytes are readable at pos; `what` names the field for the truncation error. */
  need(n: number, what: string, key?: string): void {
    if (this.pos + n <= this.end) return;
    if (this.pos + n > this.fileSize) {
      throw formatError(`${what} (file truncated)`, this.pos, {
        key,
        found: `${this.fileSize - this.pos} bytes left`,
        limit: `${n} bytes needed`,
      });
    }
    throw new NeedMoreBytes(this.pos + n);
  }

  private at(n: number, what: string): number {
    this.need(n, what);
    const i = this.pos - this.base;
    this.pos += n;
    return i;
  }

  u8(what: string): number {
    return this.view.getUint8(this.at(1, what));
  }
  i8(what: string): number {
    return this.view.getInt8(this.at(1, what));
  }
  u16(what: string): number {
    return this.view.getUint16(this.at(2, what), true);
  }
  i16(what: string): number {
    return this.view.getInt16(this.at(2, what), true);
  }
  u32(what: string): number {
    return this.view.getUint32(this.at(4, what), true);
  }
  i32(what: string): number {
    return this.view.getInt32(this.at(4, what), true);
  }
  /** `n` fixed-size numbers of one type (bounds already checked by the caller with `need`). */
  numbers(type: "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64", n: number): number[] {
    const out: number[] = new Array(n);
    const v = this.view;
    let i = this.at(n * NUMBER_SIZE[type], `${type} array`);
    switch (type) {
      case "u8":
        for (let k = 0; k < n; k++, i += 1) out[k] = v.getUint8(i);
        break;
      case "i8":
        for (let k = 0; k < n; k++, i += 1) out[k] = v.getInt8(i);
        break;
      case "u16":
        for (let k = 0; k < n; k++, i += 2) out[k] = v.getUint16(i, true);
        break;
      case "i16":
        for (let k = 0; k < n; k++, i += 2) out[k] = v.getInt16(i, true);
        break;
      case "u32":
        for (let k = 0; k < n; k++, i += 4) out[k] = v.getUint32(i, true);
        break;
      case "i32":
        for (let k = 0; k < n; k++, i += 4) out[k] = v.getInt32(i, true);
        break;
      case "f32":
        for (let k = 0; k < n; k++, i += 4) out[k] = v.getFloat32(i, true);
        break;
      case "f64":
        for (let k = 0; k < n; k++, i += 8) out[k] = v.getFloat64(i, true);
        break;
    }
    return out;
  }

  f32(what: string): number {
    return this.view.getFloat32(this.at(4, what), true);
  }
  f64(what: string): number {
    return this.view.getFloat64(this.at(8, what), true);
  }
  u64(what: string): bigint {
    return this.view.getBigUint64(this.at(8, what), true);
  }
  i64(what: string): bigint {
    return this.view.getBigInt64(this.at(8, what), true);
  }

  /** A u64 that must fit a JavaScript number and stay within `limit` (read as two u32s: no BigInt per string). */
  count(what: string, limit: number, key?: string): number {
    const at = this.pos;
    const i = this.at(8, what);
    const n = this.view.getUint32(i, true) + this.view.getUint32(i + 4, true) * 0x1_0000_0000;
    if (n > limit) {
      throw formatError(what, at, { key, found: this.view.getBigUint64(i, true), limit });
    }
    return n;
  }

  /** A length-prefixed UTF-8 string (u64 length, no terminator). */
  string(what: string, key?: string): string {
    const at = this.pos;
    const len = this.count(`${what} length`, MAX_STRING_LENGTH, key);
    this.need(len, what, key);
    const start = this.pos - this.base;
    this.pos += len;
    return this.decode(start, len, what, at, key);
  }

  /**
   * `n` strings in a row (a string array's items). Decoding each string natively costs ~0.5 µs, mostly call
   * overhead, and a vocabulary has hundreds of thousands; so the bytes are gathered into one buffer, decoded
   * once, and cut by UTF-16 length. The lengths are counted while copying, which also checks that every string
   * ends on a character boundary; anything else sends the array down the one-by-one path, which reports the
   * bad string precisely.
   */
  stringArray(n: number, key: string): string[] {
    const starts = new Float64Array(n);
    const ends = new Uint32Array(n);
    let scratch = Buffer.allocUnsafe(Math.min(1 << 20, this.end - this.pos));
    let w = 0;
    let units = 0;
    let clean = true;
    const bytes = this.bytes;
    const arrayStart = this.pos;
    for (let i = 0; i < n; i++) {
      if (this.pos + 8 > this.end) this.needMoreForArray(8, key, arrayStart, i, n);
      const len = this.count("string item length", MAX_STRING_LENGTH, key);
      if (this.pos + len > this.end) this.needMoreForArray(len, key, arrayStart, i, n);
      const s = this.pos - this.base;
      starts[i] = s;
      this.pos += len;
      if (w + len > scratch.length) {
        const next = Buffer.allocUnsafe(Math.max(scratch.length * 2, w + len));
        scratch.copy(next, 0, 0, w);
        scratch = next;
      }
      let pending = 0;
      for (let k = s, e = s + len; k < e; k++) {
        const b = bytes[k] as number;
        scratch[w++] = b;
        if (b < 0x80) {
          units++;
          if (pending !== 0) clean = false;
        } else if (b < 0xc0) {
          if (pending === 0) clean = false;
          else pending--;
        } else {
          if (pending !== 0) clean = false;
          pending = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
          units += b >= 0xf0 ? 2 : 1;
        }
      }
      if (pending !== 0) clean = false;
      ends[i] = units;
    }
    const out: string[] = new Array(n);
    const text = clean && w < MAX_BATCH_TEXT ? scratch.toString("utf8", 0, w) : "";
    // Every invalid sequence decodes to more UTF-16 units than the lengths counted above (one U+FFFD per bad
    // byte at least), so equal lengths prove the bytes valid; a U+FFFD left in the text is a genuine one.
    if (clean && text.length === units) {
      let from = 0;
      for (let i = 0; i < n; i++) {
        const to = ends[i] as number;
        out[i] = text.substring(from, to);
        from = to;
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      const s = starts[i] as number;
      const len = bytes.readUInt32LE(s - 8) + bytes.readUInt32LE(s - 4) * 0x1_0000_0000;
      out[i] = this.decode(s, len, "string item", this.base + s - 8, key);
    }
    return out;
  }

  /**
   * Out of window inside a string array: ask for the whole array's probable size (extrapolated from the items
   * read so far) so the next window holds a vocabulary in one go instead of doubling several times through it.
   */
  needMoreForArray(len: number, key: string, arrayStart: number, done: number, n: number): never {
    try {
      this.need(len, "string item", key);
    } catch (e) {
      if (!(e instanceof NeedMoreBytes) || done === 0) throw e;
      const guess = arrayStart + Math.ceil(((this.pos - arrayStart) / done) * n * 1.1);
      throw new NeedMoreBytes(Math.min(Math.max(e.end, guess), this.fileSize));
    }
    throw new Error("unreachable: need() returned for a span past the window");
  }

  private decode(start: number, len: number, what: string, at: number, key?: string): string {
    const text = this.bytes.toString("utf8", start, start + len);
    // The decoder replaces bad bytes with U+FFFD silently; a rewritten file would then differ from the
    // original, so only a genuine U+FFFD (which re-encodes to the same bytes) is accepted.
    if (
      text.includes("\uFFFD") &&
      !Buffer.from(text, "utf8").equals(this.bytes.subarray(start, start + len))
    ) {
      throw formatError(`${what} (not valid UTF-8)`, at, {
        key,
        found: `${len} bytes`,
        hint: "GGUF strings must be UTF-8; this file was written by a broken tool",
      });
    }
    return text;
  }
}
