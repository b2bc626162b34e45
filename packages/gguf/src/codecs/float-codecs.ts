/**
 * Kernels for the plain float types F32, F16 and BF16 (block size 1). Decoding and encoding copy bit patterns
 * through integer views, so results equal ggml's `to_float` / `from_float_ref` bit for bit, NaNs included.
 */
import { F16_TO_F32_INT32, f32BitsToBf16Bits, f32BitsToF16Bits } from "./half-float.js";
import { bitsOf, bytesOf, HOST_LITTLE_ENDIAN, readU16, u16View } from "./views.js";

export function decodeF32Blocks(src: Uint8Array, dst: Float32Array, count: number): void {
  if (HOST_LITTLE_ENDIAN) {
    bytesOf(dst, count).set(src.subarray(0, count * 4));
    return;
  }
  const out = bitsOf(dst, count);
  for (let i = 0, o = 0; i < count; i++, o += 4) {
    out[i] = readU16(src, o) | (readU16(src, o + 2) << 16);
  }
}

export function encodeF32Blocks(src: Float32Array, dst: Uint8Array, count: number): void {
  if (HOST_LITTLE_ENDIAN) {
    dst.set(bytesOf(src, count));
    return;
  }
  const bits = bitsOf(src, count);
  for (let i = 0, o = 0; i < count; i++, o += 4) {
    const w = bits[i] as number;
    dst[o] = w;
    dst[o + 1] = w >>> 8;
    dst[o + 2] = w >>> 16;
    dst[o + 3] = w >>> 24;
  }
}

export function decodeF16Blocks(src: Uint8Array, dst: Float32Array, count: number): void {
  const out = bitsOf(dst, count);
  const table = F16_TO_F32_INT32;
  const halves = u16View(src, count);
  if (halves !== undefined) {
    for (let i = 0; i < count; i++) out[i] = table[halves[i] as number] as number;
    return;
  }
  for (let i = 0; i < count; i++) out[i] = table[readU16(src, 2 * i)] as number;
}

export function encodeF16Blocks(src: Float32Array, dst: Uint8Array, count: number): void {
  const bits = bitsOf(src, count);
  const halves = u16View(dst, count);
  if (halves !== undefined) {
    for (let i = 0; i < count; i++) halves[i] = f32BitsToF16Bits(bits[i] as number);
    return;
  }
  for (let i = 0; i < count; i++) {
    const h = f32BitsToF16Bits(bits[i] as number);
    dst[2 * i] = h;
    dst[2 * i + 1] = h >>> 8;
  }
}

export function decodeBf16Blocks(src: Uint8Array, dst: Float32Array, count: number): void {
  const out = bitsOf(dst, count);
  const halves = u16View(src, count);
  if (halves !== undefined) {
    for (let i = 0; i < count; i++) out[i] = (halves[i] as number) << 16;
    return;
  }
  for (let i = 0; i < count; i++) out[i] = readU16(src, 2 * i) << 16;
}

export function encodeBf16Blocks(src: Float32Array, dst: Uint8Array, count: number): void {
  const bits = bitsOf(src, count);
  const halves = u16View(dst, count);
  if (halves !== undefined) {
    for (let i = 0; i < count; i++) halves[i] = f32BitsToBf16Bits(bits[i] as number);
    return;
  }
  for (let i = 0; i < count; i++) {
    const h = f32BitsToBf16Bits(bits[i] as number);
    dst[2 * i] = h;
    dst[2 * i + 1] = h >>> 8;
  }
}
