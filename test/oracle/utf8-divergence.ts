/**
 * Where the oracle's content decoding (openai-harmony 0.4.0, from before openai/harmony#83) and v0.0.8's part
 * ways. The old parser holds back content tokens until everything held back decodes as UTF-8, and drops what
 * never does; v0.0.8 emits the valid prefix at once, replaces invalid sequences with U+FFFD and ends a message
 * with U+FFFD for an unfinished one. Both give the same text and deltas exactly while, after every content
 * token, the held-back bytes are either empty or an unfinished start of a single character, and nothing is
 * held back when the message ends. This tracker says when that stops being true.
 */
import { isKnownToken, tokenBytes } from "../../packages/harmony/src/tokenizer.js";

/** Rust's `Utf8Error` for `bytes` (`errorLen` undefined: cut off at the end), or null when they are valid. */
export function utf8Error(
  bytes: readonly number[],
): { validUpTo: number; errorLen: number | undefined } | null {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let width: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) width = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      width = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      width = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return { validUpTo: i, errorLen: 1 };
    for (let j = 1; j < width; j++) {
      if (i + j >= bytes.length) return { validUpTo: i, errorLen: undefined };
      const byte = bytes[i + j] as number;
      const ok = j === 1 ? byte >= low && byte <= high : byte >= 0x80 && byte <= 0xbf;
      if (!ok) return { validUpTo: i, errorLen: j };
    }
    i += width;
  }
  return null;
}

/** Follows one stream's content tokens; `diverged` turns true once the two decoders may disagree. */
export class Utf8DivergenceTracker {
  private pending: number[] = [];
  private divergedNow = false;

  get diverged(): boolean {
    return this.divergedNow;
  }

  contentToken(token: number): void {
    if (!isKnownToken(token)) {
      this.divergedNow = true;
      return;
    }
    for (const byte of tokenBytes(token)) this.pending.push(byte);
    const error = utf8Error(this.pending);
    if (error === null) this.pending = [];
    else if (error.validUpTo > 0 || error.errorLen !== undefined) this.divergedNow = true;
  }

  /** The message ended (stop token or EOS). Returns whether it diverged, and starts the next message clean. */
  endMessage(): boolean {
    const diverged = this.divergedNow || this.pending.length > 0;
    this.pending = [];
    this.divergedNow = false;
    return diverged;
  }
}
