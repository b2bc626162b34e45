/**
 * Scalar conversions between float32 and the 16-bit float formats, bit-exact with the code libggml-base runs.
 *
 * libggml-base.so (v0.5.0, x86-64) converts in software: its `ggml_fp32_to_fp16_row` is the Maratyszcza FP16
 * routine from ggml-impl.h (no F16C instructions in the binary), which rounds to nearest even, keeps
 * subnormals, overflows to ±inf from 65520 up, and turns every NaN into `sign | 0x7e00` (payload dropped).
 * f16 → f32 goes through a float multiply on x86, which sets the quiet bit of a signalling NaN and keeps the
 * rest of the payload. BF16 (`ggml_compute_fp32_to_bf16`) rounds to nearest even and forces NaNs quiet by
 * OR-ing 0x40 into the truncated bits. Everything here works on bit patterns so NaN payloads survive: a JS
 * number read from a Float32Array may have its NaN canonicalised.
 */

/** f32 bit pattern (int32 or uint32) → f16 bit pattern, as ggml_fp32_to_fp16 computes it. */
export function f32BitsToF16Bits(w: number): number {
  const sign = (w >>> 16) & 0x8000;
  const a = w & 0x7fffffff;
  if (a > 0x7f800000) return sign | 0x7e00;
  // 65520 = 0x477ff000 is the midpoint between 65504 (max f16) and 65536; ties go to even, i.e. to inf.
  if (a >= 0x477ff000) return sign | 0x7c00;
  if (a >= 0x38800000) {
    // Normal f16: re-bias the exponent (127 → 15, i.e. -112 << 10) and round the 13 dropped bits to even;
    // a mantissa carry rolls into the exponent, which is exactly what RNE wants.
    return sign | (((a + 0xfff + ((a >>> 13) & 1)) >>> 13) - 0x1c000);
  }
  // Below 2^-14: an f16 subnormal (or zero) is round(|x| * 2^24). 2^-25 itself is a tie and goes to 0.
  if (a <= 0x33000000) return sign;
  const e = a >>> 23; // 102..112 here
  const m = (a & 0x7fffff) | 0x800000;
  const shift = 126 - e; // 14..24
  let q = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (q & 1) === 1)) q++;
  return sign | q;
}

/** f16 bit pattern → f32 bit pattern (unsigned), as ggml_compute_fp16_to_fp32 produces it on x86. */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0x1f) {
    // inf stays inf; a NaN comes out of an x86 multiply with the quiet bit set.
    return (sign | 0x7f800000 | (man << 13) | (man === 0 ? 0 : 0x400000)) >>> 0;
  }
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (man << 13)) >>> 0;
  if (man === 0) return sign >>> 0;
  // Subnormal f16: normalise the mantissa into an f32 normal.
  let e = 113;
  let m = man;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/**
 * f32 bit pattern (int32 or uint32) → bf16 bit pattern, as ggml_compute_fp32_to_bf16 (== ggml_fp32_to_bf16_row_ref).
 * `>>> 16` takes the sum modulo 2^32, so a negative int32 pattern rounds the same as its uint32 twin.
 */
export function f32BitsToBf16Bits(w: number): number {
  if ((w & 0x7fffffff) > 0x7f800000) return ((w >>> 16) | 64) & 0xffff;
  return ((w + 0x7fff + ((w >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * All 65536 f16 values as f32: `F16_TO_F32_BITS` for bit-exact copies (NaN payloads), `F16_TO_F32` (same memory)
 * for arithmetic. 256 KiB, built once on first import.
 */
export const F16_TO_F32_BITS: Uint32Array = new Uint32Array(65536);
export const F16_TO_F32: Float32Array = new Float32Array(F16_TO_F32_BITS.buffer);
/** The same table as int32, for copying bit patterns without boxing (see views.ts `bitsOf`). */
export const F16_TO_F32_INT32: Int32Array = new Int32Array(F16_TO_F32_BITS.buffer);
for (let h = 0; h < 65536; h++) F16_TO_F32_BITS[h] = f16BitsToF32Bits(h);

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** A JS number → f16 bits, via float32 first (as C would pass a float). */
export function f32ToF16Bits(x: number): number {
  scratchF32[0] = x;
  return f32BitsToF16Bits(scratchU32[0] as number);
}

/** f16 bits → the float32 value (as a JS number). */
export function f16BitsToF32(h: number): number {
  return F16_TO_F32[h & 0xffff] as number;
}

/** A JS number → bf16 bits, via float32 first. */
export function f32ToBf16Bits(x: number): number {
  scratchF32[0] = x;
  return f32BitsToBf16Bits(scratchU32[0] as number);
}

/** bf16 bits → the float32 value (as a JS number). */
export function bf16BitsToF32(h: number): number {
  scratchU32[0] = (h & 0xffff) << 16;
  return scratchF32[0] as number;
}
