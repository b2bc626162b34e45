/**
 * UTF-8 validation with the exact answers of Rust's `std::str::from_utf8`: how many bytes are valid, and whether
 * the first bad sequence is invalid (`error_len() == Some(n)`) or merely cut short (`None`). Upstream's streaming
 * parser decides what to emit from these two numbers, so they must match byte for byte; `TextDecoder` with
 * `stream: true` does not expose them (it would emit U+FFFD for an invalid sequence but never tell us where the
 * bytes after it start).
 */

/** Returned by `scanUtf8` as `validUpTo * 8 + kind`: packed so the hot path allocates nothing. */
export const UTF8_VALID = 0;
/** 1, 2 or 3: the first bad sequence is invalid and is that many bytes long (Rust's `error_len`). */
export const UTF8_INCOMPLETE = 4;

/** A continuation byte is 0b10xxxxxx. */
function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/**
 * Validate `bytes[start..end)`. The result packs `validUpTo` (relative to `start`) and a kind: UTF8_VALID when
 * everything is valid (then validUpTo = length), 1..3 for an invalid sequence of that length, UTF8_INCOMPLETE
 * when the input ends inside a sequence that could still become valid.
 */
export function scanUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const first = bytes[i] as number;
    if (first < 0x80) {
      i++;
      continue;
    }
    const at = (i - start) * 8;
    let width: number;
    let secondLow = 0x80;
    let secondHigh = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) width = 2;
    else if (first >= 0xe0 && first <= 0xef) {
      width = 3;
      if (first === 0xe0) secondLow = 0xa0;
      else if (first === 0xed) secondHigh = 0x9f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      width = 4;
      if (first === 0xf0) secondLow = 0x90;
      else if (first === 0xf4) secondHigh = 0x8f;
    } else return at + 1;
    if (i + 1 >= end) return at + UTF8_INCOMPLETE;
    const second = bytes[i + 1] as number;
    if (second < secondLow || second > secondHigh) return at + 1;
    for (let k = 2; k < width; k++) {
      if (i + k >= end) return at + UTF8_INCOMPLETE;
      if (!isContinuation(bytes[i + k] as number)) return at + k;
    }
    i += width;
  }
  return (end - start) * 8 + UTF8_VALID;
}

const textOf = new TextDecoder("utf-8", { ignoreBOM: true });
/** Below this many bytes, decoding by hand beats a call into TextDecoder (and its subarray view). */
const SHORT = 24;

/** Decode bytes already known to be valid UTF-8. */
export function decodeValidUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > SHORT) return textOf.decode(bytes.subarray(start, end));
  let text = "";
  let i = start;
  while (i < end) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      text += String.fromCharCode(lead);
      i += 1;
      continue;
    }
    const b1 = (bytes[i + 1] as number) & 0x3f;
    if (lead < 0xe0) {
      text += String.fromCharCode(((lead & 0x1f) << 6) | b1);
      i += 2;
      continue;
    }
    const b2 = (bytes[i + 2] as number) & 0x3f;
    if (lead < 0xf0) {
      text += String.fromCharCode(((lead & 0x0f) << 12) | (b1 << 6) | b2);
      i += 3;
      continue;
    }
    const point = ((lead & 0x07) << 18) | (b1 << 12) | (b2 << 6) | ((bytes[i + 3] as number) & 0x3f);
    text += String.fromCharCode(0xd7c0 + (point >> 10), 0xdc00 + (point & 0x3ff));
    i += 4;
  }
  return text;
}

/** Rust's `String::from_utf8_lossy`: one U+FFFD per invalid sequence, and one for a cut-short tail. */
export function decodeUtf8Lossy(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  let at = start;
  while (at < end) {
    const scan = scanUtf8(bytes, at, end);
    const valid = Math.floor(scan / 8);
    const kind = scan % 8;
    text += decodeValidUtf8(bytes, at, at + valid);
    if (kind === UTF8_VALID) break;
    text += "\uFFFD";
    at += valid + (kind === UTF8_INCOMPLETE ? end - at - valid : kind);
  }
  return text;
}

/** Rust's `Utf8Error` display text, e.g. `invalid utf-8 sequence of 1 bytes from index 3`. */
export function describeUtf8Error(bytes: Uint8Array): string | undefined {
  const scan = scanUtf8(bytes, 0, bytes.length);
  const valid = Math.floor(scan / 8);
  const kind = scan % 8;
  if (kind === UTF8_VALID) return undefined;
  if (kind === UTF8_INCOMPLETE) return `incomplete utf-8 byte sequence from index ${valid}`;
  return `invalid utf-8 sequence of ${kind} bytes from index ${valid}`;
}
