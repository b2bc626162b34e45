/**
 * Q8_0: blocks of 32 values, 34 bytes each: an f16 scale `d`, then 32 signed bytes `q`; value = q * d.
 *
 * The encoder is ggml's `quantize_row_q8_0_ref` operation for operation, in float32 arithmetic:
 * `amax` is a running `amax > |x| ? amax : |x|` (so a NaN sets it until a later value replaces it — the C `MAX`
 * macro compiled to `maxss`), `d = amax / 127`, `id = d != 0 ? 1 / d : 0` (NaN counts as non-zero), the stored
 * scale is fp16(d), and each `q = (int8) roundf(x * id)`: roundf rounds ties away from zero and the conversion is
 * x86 `cvttss2si` then the low byte, with 0x80000000 (low byte 0) for NaN or out-of-range values.
 */
import { F16_TO_F32, f32BitsToF16Bits } from "./half-float.js";
import { readU16 } from "./views.js";

export const Q8_0_BLOCK = 32;
export const Q8_0_BYTES = 34;

export function decodeQ8_0Blocks(src: Uint8Array, dst: Float32Array, blocks: number): void {
  const table = F16_TO_F32;
  const signed = new Int8Array(src.buffer, src.byteOffset, blocks * Q8_0_BYTES);
  let o = 0;
  for (let s = 0, end = blocks * Q8_0_BYTES; s < end; s += Q8_0_BYTES) {
    const d = table[readU16(src, s)] as number;
    // int8 × float32 is exact in a double, so the store's single rounding equals C's float multiply.
    for (let q = s + 2, qEnd = s + Q8_0_BYTES; q < qEnd; q++) dst[o++] = (signed[q] as number) * d;
  }
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

export function encodeQ8_0Blocks(src: Float32Array, dst: Uint8Array, blocks: number): void {
  const fround = Math.fround;
  for (let b = 0, s = 0, o = 0; b < blocks; b++, s += Q8_0_BLOCK, o += Q8_0_BYTES) {
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const a = Math.abs(src[s + j] as number);
      // biome-ignore lint/complexity/useMathMinMax: NaN semantics differ; this is the C MAX macro (maxss).
      amax = amax > a ? amax : a;
    }
    // Division and reciprocal of float32 operands in double, then rounded once to float32, equal the float
    // operations (a double has more than 2·24+2 bits, so the double rounding is innocuous).
    const d = fround(amax / 127);
    const id = d !== 0 ? fround(1 / d) : 0;
    scratchF32[0] = d;
    const h = f32BitsToF16Bits(scratchU32[0] as number);
    dst[o] = h;
    dst[o + 1] = h >>> 8;
    const q = o + 2;
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const v = fround((src[s + j] as number) * id);
      // roundf (ties away from zero), then the Uint8Array store keeps the low byte. That store equals
      // cvttss2si's low byte for every float: NaN and ±inf give 0 as "integer indefinite" does, and a float
      // of magnitude 2^31 or more is a multiple of 256, so its low byte is 0 either way.
      dst[q + j] = v >= 0 ? Math.floor(v + 0.5) : -Math.floor(0.5 - v);
    }
  }
}
