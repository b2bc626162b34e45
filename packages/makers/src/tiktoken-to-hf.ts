/**
 * The tiktoken → Hugging Face BPE conversion (transformers' `TikTokenConverter`), the one that made gpt-oss's
 * tokenizer.json: a token's string is its bytes through GPT-2's bytes_to_unicode table, and the merges are, for
 * each token in rank order, every split into two tokens, ordered by (rank of left, rank of right).
 *
 * Why not a Map of strings: slicing and hashing ~2.5 M substrings took ~0.5 s; rolling hashes over the packed
 * bytes, looked up in an open-addressing table, do the same work in a few tens of milliseconds.
 */

/** Every token's bytes in one buffer: token `r` is `bytes[offsets[r]..offsets[r + 1])`. */
export interface PackedTokens {
  bytes: Uint8Array;
  offsets: Uint32Array;
}

export function packTokens(pieces: readonly Uint8Array[]): PackedTokens {
  const offsets = new Uint32Array(pieces.length + 1);
  for (let r = 0; r < pieces.length; r++)
    offsets[r + 1] = (offsets[r] as number) + (pieces[r] as Uint8Array).length;
  const bytes = new Uint8Array(offsets[pieces.length] as number);
  pieces.forEach((piece, r) => {
    bytes.set(piece, offsets[r]);
  });
  return { bytes, offsets };
}

/** GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others for U+0100 onwards. */
function byteCharCodes(): Uint16Array {
  const codes = new Uint16Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
    codes[b] = printable ? b : next++;
  }
  return codes;
}

/** The tokens' byte-level strings. Each byte is one UTF-16 unit, so all are cut from one decoded string. */
export function hfTokenStrings({ bytes, offsets }: PackedTokens): string[] {
  const codes = byteCharCodes();
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) units[i] = codes[bytes[i] as number] as number;
  const chunks: string[] = [];
  for (let i = 0; i < units.length; i += 8192) {
    chunks.push(String.fromCharCode(...units.subarray(i, i + 8192)));
  }
  const all = chunks.join("");
  const strings = new Array<string>(offsets.length - 1);
  for (let r = 0; r < strings.length; r++) strings[r] = all.slice(offsets[r], offsets[r + 1]);
  return strings;
}

const MULTIPLIER = 0x01000193;

/**
 * Token lookup by bytes: polynomial hashes (mod 2^32) in an open-addressing table whose slots hold (hash, rank)
 * side by side, so a miss costs one memory access and only a matching hash reads the token's bytes.
 */
class ByteSequenceIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly shift: number;

  constructor(private readonly packed: PackedTokens) {
    const count = packed.offsets.length - 1;
    const bits = Math.max(4, Math.ceil(Math.log2(count * 2)));
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.slots = new Int32Array(2 << bits).fill(-1);
    for (let r = 0; r < count; r++) {
      let hash = 0;
      for (let i = packed.offsets[r] as number; i < (packed.offsets[r + 1] as number); i++) {
        hash = (Math.imul(hash, MULTIPLIER) + (packed.bytes[i] as number)) | 0;
      }
      let slot = this.slotOf(hash);
      while (this.slots[2 * slot + 1] !== -1) slot = (slot + 1) & this.mask;
      this.slots[2 * slot] = hash;
      this.slots[2 * slot + 1] = r;
    }
  }

  private slotOf(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.shift;
  }

  /** The rank of `bytes[start..start + length)`, whose hash is `hash`, or -1 if no token has those bytes. */
  find(hash: number, start: number, length: number): number {
    const { bytes, offsets } = this.packed;
    const slots = this.slots;
    for (let slot = this.slotOf(hash); ; slot = (slot + 1) & this.mask) {
      const r = slots[2 * slot + 1] as number;
      if (r === -1) return -1;
      if (slots[2 * slot] !== hash) continue;
      const at = offsets[r] as number;
      if ((offsets[r + 1] as number) - at !== length) continue;
      let i = 0;
      while (i < length && bytes[at + i] === bytes[start + i]) i++;
      if (i === length) return r;
    }
  }
}

/** The merges as "left right" strings of `strings` (the tokens' HF strings), in the converter's order. */
export function hfMerges(packed: PackedTokens, strings: readonly string[]): string[] {
  const { bytes, offsets } = packed;
  const index = new ByteSequenceIndex(packed);
  const merges: string[] = [];
  let suffix = new Int32Array(0);
  const splits: [number, number][] = [];
  let power = new Int32Array(1).fill(1); // power[k] = MULTIPLIER^k mod 2^32
  for (let r = 0; r < strings.length; r++) {
    const start = offsets[r] as number;
    const n = (offsets[r + 1] as number) - start;
    if (n < 2) continue;
    if (power.length < n) {
      const longer = new Int32Array(n);
      longer.set(power);
      for (let k = power.length; k < n; k++) longer[k] = Math.imul(longer[k - 1] as number, MULTIPLIER);
      power = longer;
    }
    // suffix hashes, right to left: hash(b[i..n)) = b[i]·M^(n-1-i) + hash(b[i+1..n))
    if (suffix.length <= n) suffix = new Int32Array(n + 1);
    suffix[n] = 0;
    for (let i = n - 1; i >= 1; i--) {
      suffix[i] =
        (Math.imul(bytes[start + i] as number, power[n - 1 - i] as number) + (suffix[i + 1] as number)) | 0;
    }
    splits.length = 0;
    let prefix = 0;
    for (let i = 1; i < n; i++) {
      prefix = (Math.imul(prefix, MULTIPLIER) + (bytes[start + i - 1] as number)) | 0;
      const left = index.find(prefix, start, i);
      if (left === -1) continue;
      const right = index.find(suffix[i] as number, start + i, n - i);
      if (right !== -1) splits.push([left, right]);
    }
    if (splits.length > 1) splits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const split of splits) {
      merges.push(`${strings[split[0]]} ${strings[split[1]]}`);
    }
  }
  return merges;
}
