/**
 * Decoders for the 32-element "legacy" quants, ported from ggml-quants.c `dequantize_row_q4_0` … `q5_1`.
 * Every block stores f16 scale(s) first; byte j of `qs` holds element j (low nibble) and j+16 (high nibble);
 * Q5 types add a little-endian u32 `qh` whose bit j is the fifth bit of element j.
 *
 *   Q4_0 (18 B): d, qs[16]            value = (nibble - 8) * d
 *   Q4_1 (20 B): d, m, qs[16]         value = nibble * d + m
 *   Q5_0 (22 B): d, qh[4], qs[16]     value = (5-bit - 16) * d
 *   Q5_1 (24 B): d, m, qh[4], qs[16]  value = 5-bit * d + m
 *
 * Float32 rounding: q*d is rounded to float before `+ m` (Math.fround), as C evaluates `x0*d + m` in float.
 */
import { F16_TO_F32 } from "./half-float.js";
import { readU16 } from "./views.js";

export const LEGACY_BLOCK = 32;
export const Q4_0_BYTES = 18;
export const Q4_1_BYTES = 20;
export const Q5_0_BYTES = 22;
export const Q5_1_BYTES = 24;

export function decodeQ4_0Blocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q4_0_BYTES, o += LEGACY_BLOCK) {
    const d = F16_TO_F32[readU16(src, s)] as number;
    for (let j = 0; j < 16; j++) {
      const q = src[s + 2 + j] as number;
      dst[o + j] = ((q & 15) - 8) * d;
      dst[o + j + 16] = ((q >>> 4) - 8) * d;
    }
  }
}

export function decodeQ4_1Blocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q4_1_BYTES, o += LEGACY_BLOCK) {
    const d = F16_TO_F32[readU16(src, s)] as number;
    const m = F16_TO_F32[readU16(src, s + 2)] as number;
    for (let j = 0; j < 16; j++) {
      const q = src[s + 4 + j] as number;
      dst[o + j] = fround((q & 15) * d) + m;
      dst[o + j + 16] = fround((q >>> 4) * d) + m;
    }
  }
}

function readQh(src: Uint8Array, o: number): number {
  return (readU16(src, o) | (readU16(src, o + 2) << 16)) >>> 0;
}

export function decodeQ5_0Blocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q5_0_BYTES, o += LEGACY_BLOCK) {
    const d = F16_TO_F32[readU16(src, s)] as number;
    const qh = readQh(src, s + 2);
    for (let j = 0; j < 16; j++) {
      const q = src[s + 6 + j] as number;
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      dst[o + j] = (((q & 15) | h0) - 16) * d;
      dst[o + j + 16] = (((q >>> 4) | h1) - 16) * d;
    }
  }
}

export function decodeQ5_1Blocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q5_1_BYTES, o += LEGACY_BLOCK) {
    const d = F16_TO_F32[readU16(src, s)] as number;
    const m = F16_TO_F32[readU16(src, s + 2)] as number;
    const qh = readQh(src, s + 4);
    for (let j = 0; j < 16; j++) {
      const q = src[s + 8 + j] as number;
      const h0 = ((qh >>> j) << 4) & 0x10;
      const h1 = (qh >>> (j + 12)) & 0x10;
      dst[o + j] = fround(((q & 15) | h0) * d) + m;
      dst[o + j + 16] = fround(((q >>> 4) | h1) * d) + m;
    }
  }
}
