import { describe, expect, it } from "vitest";
import { EDGE_FLOAT_BITS, floatsFromBits, rng } from "../../../../test/support/codec-samples.js";
import { firstFloatMismatch, ggmlRow } from "../../../../test/support/libggml.js";
import {
  bf16BitsToF32,
  F16_TO_F32_BITS,
  f16BitsToF32,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
  f32ToBf16Bits,
  f32ToF16Bits,
} from "./half-float.js";

/**
 * f32 bit patterns that reach every rounding case: each of the 65536 upper halves combined with low halves at
 * and around the f16 ties (bit 12 for normals, bit 13 and above for subnormals), the bf16 tie (0x8000) and a
 * random one. (Every one of the 2^32 patterns was also checked once against ggml, outside the test suite.)
 */
function sweepBits(): Uint32Array {
  const lows = [0x0000, 0x0fff, 0x1000, 0x1001, 0x2000, 0x3000, 0x6000, 0x7fff, 0x8000, 0x8001, 0xffff];
  const next = rng(7);
  const out = new Uint32Array(65536 * (lows.length + 1));
  let k = 0;
  for (let hi = 0; hi < 65536; hi++) {
    for (const lo of lows) out[k++] = ((hi << 16) | lo) >>> 0;
    out[k++] = ((hi << 16) | (next() & 0xffff)) >>> 0;
  }
  return out;
}

describe("f16 and bf16 scalar conversions", () => {
  it("decodes all 65536 f16 patterns to ggml's f32 bits, NaN payloads included", () => {
    const halves = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const ref = new Float32Array(65536);
    ggmlRow("ggml_fp16_to_fp32_row", halves, ref, 65536);
    const ours = new Float32Array(F16_TO_F32_BITS.buffer.slice(0));
    expect(firstFloatMismatch(ours, ref, true)).toBeUndefined();
  });

  it("rounds f32 to f16 and bf16 exactly as ggml_fp32_to_fp16_row / ggml_fp32_to_bf16_row_ref", () => {
    const bits = sweepBits();
    const n = bits.length;
    const refF16 = new Uint16Array(n);
    const refBf16 = new Uint16Array(n);
    ggmlRow("ggml_fp32_to_fp16_row", bits, refF16, n);
    ggmlRow("ggml_fp32_to_bf16_row_ref", bits, refBf16, n);
    let bad = "";
    for (let i = 0; i < n && bad === ""; i++) {
      const w = bits[i] as number;
      if (f32BitsToF16Bits(w) !== refF16[i])
        bad = `f16 of 0x${w.toString(16)}: ${f32BitsToF16Bits(w)} vs ${refF16[i]}`;
      if (f32BitsToBf16Bits(w) !== refBf16[i]) bad = `bf16 of 0x${w.toString(16)}: ${f32BitsToBf16Bits(w)}`;
    }
    expect(bad).toBe("");
  });

  it("handles the edge values: ties to even, overflow to inf, NaN to 0x7e00 / quiet bf16", () => {
    const edges = floatsFromBits(EDGE_FLOAT_BITS);
    const bits = new Uint32Array(edges.buffer);
    const ref = new Uint16Array(bits.length);
    ggmlRow("ggml_fp32_to_fp16_row", edges, ref, bits.length);
    expect(Array.from(bits, (w) => f32BitsToF16Bits(w))).toEqual(Array.from(ref));
    expect(f32ToF16Bits(65519.996)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(-Infinity)).toBe(0xfc00);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, even stays
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, odd rounds up
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // smallest tie goes to zero
    expect(f32ToF16Bits(-(2 ** -24))).toBe(0x8001);
    expect(f32BitsToF16Bits(0xffc00001)).toBe(0xfe00);
    expect(f32BitsToBf16Bits(0x7f800001)).toBe(0x7fc0);
    expect(f32BitsToBf16Bits(0x3f808000)).toBe(0x3f80);
    expect(f32BitsToBf16Bits(0x3f818000)).toBe(0x3f82);
    expect(f32ToBf16Bits(3.4028235e38)).toBe(0x7f80);
  });

  it("converts back from bits", () => {
    expect(f16BitsToF32(0x3c00)).toBe(1);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0xfc00)).toBe(-Infinity);
    expect(f16BitsToF32(0x7e00)).toBeNaN();
    expect(bf16BitsToF32(0xbf80)).toBe(-1);
    expect(bf16BitsToF32(0x0001)).toBe(2 ** -133);
  });
});
