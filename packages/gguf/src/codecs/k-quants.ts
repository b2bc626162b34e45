/**
 * Decoders for the K-quants (super-blocks of 256 values), ported from ggml-quants.c `dequantize_row_q2_K` …
 * `q6_K` with the same float32 rounding steps: each `d * scale` (and `dmin * min`) is a float, the product with
 * the quant is rounded to float before the min is subtracted (Math.fround where a double would differ).
 *
 * Layouts (byte offsets inside one super-block):
 *   Q2_K  84 B: scales[16] @0 (low nibble scale, high nibble min, per 16 values), qs[64] @16 (2 bits), d @80,
 *               dmin @82.  value = d*(sc&15) * q - dmin*(sc>>4)
 *   Q3_K 110 B: hmask[32] @0 (third bit, set = no -4), qs[64] @32 (2 bits), scales[12] @96 (16 six-bit scales),
 *               d @108.  value = d*(scale-32) * (q - (hbit ? 0 : 4))
 *   Q4_K 144 B: d @0, dmin @2, scales[12] @4 (8 six-bit scale/min pairs, get_scale_min_k4), qs[128] @16.
 *   Q5_K 176 B: d @0, dmin @2, scales[12] @4, qh[32] @16 (fifth bit), qs[128] @48.
 *   Q6_K 210 B: ql[128] @0 (low 4 bits), qh[64] @128 (high 2 bits), scales[16] @192 (int8), d @208.
 * Within Q2_K/Q3_K/Q4_K/Q5_K, the 2- and 4-bit fields of one byte belong to different 32-value groups: each
 * 128-value half (Q2/Q3) or 64-value pair (Q4/Q5) walks the same 32 bytes with a growing shift.
 */
import { F16_TO_F32 } from "./half-float.js";
import { readU16 } from "./views.js";

export const QK_K = 256;
export const Q2_K_BYTES = 84;
export const Q3_K_BYTES = 110;
export const Q4_K_BYTES = 144;
export const Q5_K_BYTES = 176;
export const Q6_K_BYTES = 210;

export function decodeQ2KBlocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q2_K_BYTES) {
    const d = F16_TO_F32[readU16(src, s + 80)] as number;
    const min = F16_TO_F32[readU16(src, s + 82)] as number;
    let is = 0;
    for (let half = 0; half < 2; half++) {
      const q = s + 16 + 32 * half;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let g = 0; g < 32; g += 16) {
          const sc = src[s + is++] as number;
          const dl = fround(d * (sc & 15));
          const ml = fround(min * (sc >>> 4));
          for (let l = 0; l < 16; l++)
            dst[o++] = fround(dl * (((src[q + g + l] as number) >>> shift) & 3)) - ml;
        }
      }
    }
  }
}

/** Q3_K's 16 six-bit scales: low 4 bits from bytes 0..7 (nibbles), high 2 bits from bytes 8..11. */
function q3kScale(src: Uint8Array, sc: number, i: number): number {
  const low = i < 8 ? (src[sc + i] as number) & 15 : (src[sc + i - 8] as number) >>> 4;
  const high = ((src[sc + 8 + (i & 3)] as number) >>> (2 * (i >>> 2))) & 3;
  return low | (high << 4);
}

export function decodeQ3KBlocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q3_K_BYTES) {
    const dAll = F16_TO_F32[readU16(src, s + 108)] as number;
    let is = 0;
    let m = 1;
    for (let half = 0; half < 2; half++) {
      const q = s + 32 + 32 * half;
      for (let shift = 0; shift < 8; shift += 2, m <<= 1) {
        for (let g = 0; g < 32; g += 16) {
          const dl = fround(dAll * (q3kScale(src, s + 96, is++) - 32));
          for (let l = 0; l < 16; l++) {
            const low = ((src[q + g + l] as number) >>> shift) & 3;
            const hbit = (src[s + g + l] as number) & m;
            dst[o++] = dl * (low - (hbit !== 0 ? 0 : 4));
          }
        }
      }
    }
  }
}

/** get_scale_min_k4 for Q4_K/Q5_K: pair j (0..7) → [scale, min], packed as 6-bit fields in 12 bytes. */
function scaleK4(src: Uint8Array, sc: number, j: number): number {
  if (j < 4) return (src[sc + j] as number) & 63;
  return ((src[sc + j + 4] as number) & 0xf) | (((src[sc + j - 4] as number) >>> 6) << 4);
}

function minK4(src: Uint8Array, sc: number, j: number): number {
  if (j < 4) return (src[sc + j + 4] as number) & 63;
  return ((src[sc + j + 4] as number) >>> 4) | (((src[sc + j] as number) >>> 6) << 4);
}

export function decodeQ4KBlocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q4_K_BYTES) {
    const d = F16_TO_F32[readU16(src, s)] as number;
    const min = F16_TO_F32[readU16(src, s + 2)] as number;
    for (let pair = 0; pair < 4; pair++) {
      const q = s + 16 + 32 * pair;
      const d1 = fround(d * scaleK4(src, s + 4, 2 * pair));
      const m1 = fround(min * minK4(src, s + 4, 2 * pair));
      const d2 = fround(d * scaleK4(src, s + 4, 2 * pair + 1));
      const m2 = fround(min * minK4(src, s + 4, 2 * pair + 1));
      for (let l = 0; l < 32; l++) dst[o++] = fround(d1 * ((src[q + l] as number) & 15)) - m1;
      for (let l = 0; l < 32; l++) dst[o++] = fround(d2 * ((src[q + l] as number) >>> 4)) - m2;
    }
  }
}

export function decodeQ5KBlocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q5_K_BYTES) {
    const d = F16_TO_F32[readU16(src, s)] as number;
    const min = F16_TO_F32[readU16(src, s + 2)] as number;
    const qh = s + 16;
    for (let pair = 0, u1 = 1, u2 = 2; pair < 4; pair++, u1 <<= 2, u2 <<= 2) {
      const ql = s + 48 + 32 * pair;
      const d1 = fround(d * scaleK4(src, s + 4, 2 * pair));
      const m1 = fround(min * minK4(src, s + 4, 2 * pair));
      const d2 = fround(d * scaleK4(src, s + 4, 2 * pair + 1));
      const m2 = fround(min * minK4(src, s + 4, 2 * pair + 1));
      for (let l = 0; l < 32; l++) {
        const q = ((src[ql + l] as number) & 15) + ((src[qh + l] as number) & u1 ? 16 : 0);
        dst[o++] = fround(d1 * q) - m1;
      }
      for (let l = 0; l < 32; l++) {
        const q = ((src[ql + l] as number) >>> 4) + ((src[qh + l] as number) & u2 ? 16 : 0);
        dst[o++] = fround(d2 * q) - m2;
      }
    }
  }
}

function sInt8(src: Uint8Array, o: number): number {
  return ((src[o] as number) << 24) >> 24;
}

export function decodeQ6KBlocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q6_K_BYTES, o += QK_K) {
    const d = F16_TO_F32[readU16(src, s + 208)] as number;
    for (let half = 0; half < 2; half++) {
      const ql = s + 64 * half;
      const qh = s + 128 + 32 * half;
      const sc = s + 192 + 8 * half;
      const y = o + 128 * half;
      // sc is int8; `d * sc` is a float product, then times the 6-bit quant minus 32 (-32..31).
      const s0 = fround(d * sInt8(src, sc));
      const s1 = fround(d * sInt8(src, sc + 1));
      const s2 = fround(d * sInt8(src, sc + 2));
      const s3 = fround(d * sInt8(src, sc + 3));
      const s4 = fround(d * sInt8(src, sc + 4));
      const s5 = fround(d * sInt8(src, sc + 5));
      const s6 = fround(d * sInt8(src, sc + 6));
      const s7 = fround(d * sInt8(src, sc + 7));
      for (let l = 0; l < 32; l++) {
        const first = l < 16;
        const a = src[ql + l] as number;
        const c = src[ql + l + 32] as number;
        const h = src[qh + l] as number;
        dst[y + l] = (first ? s0 : s1) * (((a & 15) | ((h & 3) << 4)) - 32);
        dst[y + l + 32] = (first ? s2 : s3) * (((c & 15) | (((h >>> 2) & 3) << 4)) - 32);
        dst[y + l + 64] = (first ? s4 : s5) * (((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32);
        dst[y + l + 96] = (first ? s6 : s7) * (((c >>> 4) | (((h >>> 6) & 3) << 4)) - 32);
      }
    }
  }
}
