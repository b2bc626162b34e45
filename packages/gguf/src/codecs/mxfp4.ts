/**
 * MXFP4 (ggml type 39): blocks of 32 values, 17 bytes each: an E8M0 exponent byte `e`, then 16 bytes whose low
 * nibble is element j and high nibble element j+16 (split halves, not the HF pairwise order). A nibble indexes
 * `kvalues_mxfp4` (E2M1 doubled to integers) and the value is `kvalues[code] * 2^(e-128)`.
 *
 * The encoder is ggml's `quantize_row_mxfp4_ref` as compiled in libggml-base:
 * - `amax` keeps the largest |x|, ignoring NaNs (`if (amax < |x|)`).
 * - `e = (uint8) (floorf(log2f(amax)) - 2 + 127)` when amax > 0, else 0. The cast is cvttss2si plus the low byte,
 *   so it is not clamped: amax below 2^-125 wraps to a large e, and amax = inf gives e = 0. `log2f` rounds to
 *   float, so an amax just below a power of two can land on the next exponent; `fround(Math.log2(x))` reproduces
 *   glibc's log2f there (checked against it on every float within 2^16 ulps below each power of two).
 * - each x picks `argmin_i |kvalues[i]*d - x|` in float32, first minimum winning (`best_index_mxfp4`).
 * Blocks with e in [2, 252] and a finite amax take a comparison fast path that provably picks the same index
 * (see `fastCode`); everything else, and any NaN, runs the 16-way search literally.
 */
export const MXFP4_BLOCK = 32;
export const MXFP4_BYTES = 17;

export const KVALUES_MXFP4: Int8Array = Int8Array.of(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12);

/** GGML_E8M0_TO_FP32_HALF: 2^(e-128) for every e (denormal for e < 2). */
export function e8m0ToF32Half(e: number): number {
  return 2 ** ((e & 0xff) - 128);
}

/** kvalues[code] * 2^(e-128) for every (e, code): 4096 floats, so decoding is a lookup per nibble. */
const VALUE_TABLE = new Float32Array(256 * 16);
for (let e = 0; e < 256; e++) {
  for (let c = 0; c < 16; c++) VALUE_TABLE[e * 16 + c] = (KVALUES_MXFP4[c] as number) * e8m0ToF32Half(e);
}

export function decodeMxfp4Blocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const table = VALUE_TABLE;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += MXFP4_BYTES, o += MXFP4_BLOCK) {
    const base = (src[s] as number) << 4;
    for (let j = 0; j < 16; j++) {
      const q = src[s + 1 + j] as number;
      dst[o + j] = table[base | (q & 15)] as number;
      dst[o + j + 16] = table[base | (q >>> 4)] as number;
    }
  }
}

/** The E8M0 byte ggml picks for a block whose largest |x| (NaNs ignored) is `amax`. */
export function mxfp4Exponent(amax: number): number {
  if (!(amax > 0)) return 0;
  const k = Math.floor(Math.fround(Math.log2(amax)));
  // inf: floorf(inf) - 2 + 127 = inf, and cvttss2si(inf) = 0x80000000, whose low byte is 0.
  return Number.isFinite(k) ? (k + 125) & 0xff : 0;
}

/** `best_index_mxfp4(x, d)` literally: float32 errors, strict `<`, so the first minimum wins. */
export function bestIndexMxfp4(x: number, d: number): number {
  const fround = Math.fround;
  let best = 0;
  let bestErr = Math.abs(fround(0 * d - x));
  for (let i = 1; i < 16; i++) {
    // kvalues[i]*d is a float product of its own: near float max it overflows to inf before the subtraction.
    const err = Math.abs(fround(fround((KVALUES_MXFP4[i] as number) * d) - x));
    if (err < bestErr) {
      best = i;
      bestErr = err;
    }
  }
  return best;
}

/**
 * Code for `ceil(2|x|/d)` (0..32; plus 33 for negative x) when |x| < 16d. With d normal and |x| < 16d, every
 * subtraction that decides between two neighbouring candidates is exact (Sterbenz), so the nearest candidate wins
 * outright and an exact midpoint goes to the smaller magnitude — the lower index, as ggml's first-minimum rule
 * does. Midpoints of 0,1,2,3,4,6,8,12 in units of d/2 are 1,3,5,7,10,14,20. (Also checked against
 * `bestIndexMxfp4` for every float in [d/16, 16d) of both signs at d = 1, and on samples at e = 2, 3, 240, 252.)
 */
const CEIL_TO_CODE = Uint8Array.from({ length: 66 }, (_, i) => {
  const u = i % 33;
  const code =
    u <= 1 ? 0 : u <= 3 ? 1 : u <= 5 ? 2 : u <= 7 ? 3 : u <= 10 ? 4 : u <= 14 ? 5 : u <= 20 ? 6 : 7;
  // Entries 33..65 are for negative x: the negative code, except that a value rounding to zero keeps +0
  // (index 0), which beats -0 (index 8) by coming first.
  return i < 33 || code === 0 ? code : code | 8;
});

function fastCode(x: number, twoOverD: number, d: number): number {
  const u = Math.abs(x) * twoOverD; // exact in a double: twoOverD is a power of two
  if (!(u < 32)) return bestIndexMxfp4(x, d); // NaN too
  return CEIL_TO_CODE[Math.ceil(u) + (x < 0 ? 33 : 0)] as number;
}

export function encodeMxfp4Blocks(src: Float32Array, dst: Uint8Array, blocks: number): void {
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += MXFP4_BLOCK, o += MXFP4_BYTES) {
    let amax = 0;
    for (let j = 0; j < MXFP4_BLOCK; j++) {
      const a = Math.abs(src[s + j] as number);
      if (amax < a) amax = a;
    }
    const e = mxfp4Exponent(amax);
    const d = e8m0ToF32Half(e);
    dst[o] = e;
    // e in [2, 252]: d is normal and every kvalues*d finite; with finite amax every |x| < 16d (amax < 2^(k+1)).
    // (floorf(log2f(max float)) is 128, so e = 253 occurs: there 8d and 12d overflow, and the slow path runs.)
    if (e >= 2 && e <= 252 && amax !== Number.POSITIVE_INFINITY) {
      const twoOverD = 2 / d;
      for (let j = 0; j < 16; j++) {
        const lo = fastCode(src[s + j] as number, twoOverD, d);
        dst[o + 1 + j] = lo | (fastCode(src[s + j + 16] as number, twoOverD, d) << 4);
      }
    } else {
      for (let j = 0; j < 16; j++) {
        const lo = bestIndexMxfp4(src[s + j] as number, d);
        dst[o + 1 + j] = lo | (bestIndexMxfp4(src[s + j + 16] as number, d) << 4);
      }
    }
  }
}
