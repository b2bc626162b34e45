/**
 * exp() over float32 arrays in WebAssembly SIMD: x[i] = exp(x[i] − shift), four lanes at a time, results below
 * FLUSH_TO_ZERO_BELOW stored as 0. JavaScript's Math.exp costs ~25 ns a call here, and the softmaxes and
 * swiglu_oai's sigmoid call it ~10⁶ times per step; this is Cephes' expf — Cody–Waite reduction by ln 2 in two
 * parts, a degree-6 polynomial, 2^k assembled in the exponent bits — accurate to about 1 ulp of float32 (tested
 * against Math.exp), which is also what llama.cpp's own vectorized expf gives.
 */

import { F32, FunctionBuilder, I32 } from "@overtone/wasm";
import { FLUSH_TO_ZERO_BELOW } from "./kernels.js";

const LOG2E = Math.LOG2E;
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** Cephes expf's polynomial, highest degree first. */
const POLY = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];

/** expShifted(ptr, count4, shift): ptr in bytes, count4 a multiple of 4, shift an f32. */
export function buildExpShifted(): FunctionBuilder {
  const f = new FunctionBuilder(3, [I32, I32, F32]);
  const [ptr, count4, shift] = [0, 1, 2];
  const end = f.i32Local();
  const [v, k, r, p, z] = [f.v128Local(), f.v128Local(), f.v128Local(), f.v128Local(), f.v128Local()];
  const constant = (value: number) => {
    const local = f.v128Local();
    f.f32Const(value).f32x4Splat().set(local);
    return local;
  };
  const shiftV = f.v128Local();
  f.get(shift).f32x4Splat().set(shiftV);
  const [low, high, log2e, ln2Hi, ln2Lo, one, bias, flush] = [
    -87,
    88,
    LOG2E,
    LN2_HI,
    LN2_LO,
    1,
    127,
    FLUSH_TO_ZERO_BELOW,
  ].map(constant) as number[] as [number, number, number, number, number, number, number, number];
  const poly = POLY.map(constant);
  f.get(ptr).get(count4).i32(2).shl().add().set(end);
  f.whileLoop(
    () => f.get(ptr).get(end).ltS(),
    () => {
      // v = clamp(x − shift): 2^k must stay a normal float32.
      f.get(ptr).v128Load().get(shiftV).f32x4Sub().get(low).f32x4Max().get(high).f32x4Min().set(v);
      f.get(v).get(log2e).f32x4Mul().f32x4Nearest().set(k);
      f.get(v).get(k).get(ln2Hi).f32x4Mul().f32x4Sub().get(k).get(ln2Lo).f32x4Mul().f32x4Sub().set(r);
      f.get(r).get(r).f32x4Mul().set(z);
      f.get(poly[0] as number).set(p);
      for (const c of poly.slice(1)) f.get(p).get(r).f32x4Mul().get(c).f32x4Add().set(p);
      f.get(p).get(z).f32x4Mul().get(r).f32x4Add().get(one).f32x4Add().set(p);
      // 2^k: (k + 127) in the exponent field.
      f.get(k).get(bias).f32x4Add().i32x4TruncSatF32x4().i32(23).i32x4Shl().get(p).f32x4Mul().set(p);
      f.get(ptr).get(p).get(p).get(flush).f32x4Ge().v128And().v128Store();
      f.bump(ptr, 16);
    },
  );
  return f;
}
