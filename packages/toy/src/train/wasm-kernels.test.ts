/**
 * The SIMD kernels against the plain JavaScript ones on shapes that hit every path: full 4×4 tiles, row and
 * column tails, inner lengths that are not multiples of 4, strided and transposed operands, and zero tiles.
 */

import { SeededRandom } from "@overtone/makers";
import { describe, expect, it } from "vitest";
import { JsKernels } from "./kernels.js";
import { createKernelMemory, WasmKernels } from "./wasm-kernels.js";

function filled(kernels: WasmKernels, length: number, seed: number): Float32Array {
  const a = kernels.alloc(length);
  new SeededRandom(seed).fillUniform(a, 1);
  return a;
}

function maxRelativeError(got: Float32Array, want: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const scale = Math.max(1, Math.abs(want[i] as number));
    worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)) / scale);
  }
  return worst;
}

const wasm = new WasmKernels(createKernelMemory(64, false));
const js = new JsKernels(Float32Array);
const shapes = [
  [8, 8, 16],
  [7, 9, 13],
  [5, 3, 4],
  [1, 1, 1],
  [12, 20, 64],
  [4, 6, 3],
] as const;

describe("WebAssembly SIMD kernels", () => {
  it("dot matches plain loops, with strides and offsets", () => {
    for (const [rows, cols, n] of shapes) {
      const sx = n + 3;
      const sw = n + 1;
      const sy = cols + 2;
      const x = filled(wasm, rows * sx + 5, rows);
      const w = filled(wasm, cols * sw + 2, cols + 100);
      const y = wasm.alloc(rows * sy + 1);
      const ref = new Float32Array(y.length);
      wasm.dot(x, 5, sx, w, 2, sw, y, 1, sy, rows, cols, n);
      js.dot(x, 5, sx, w, 2, sw, ref, 1, sy, rows, cols, n);
      expect(maxRelativeError(y, ref), `dot ${rows}×${cols}×${n}`).toBeLessThan(1e-5);
      expect(y.some((v) => v !== 0)).toBe(true);
    }
  });

  it("gemmAcc matches plain loops, row-major and transposed, accumulating", () => {
    for (const [rows, inner, n] of shapes) {
      for (const transposed of [false, true]) {
        const [sar, sak] = transposed ? [1, rows + 1] : [inner + 2, 1];
        const a = filled(wasm, rows * inner * 2 + 3 * (rows + inner) + 8, inner);
        // A zero tile: the kernel skips it, the result must not change.
        for (let r = 0; r < Math.min(4, rows); r++)
          for (let k = 0; k < Math.min(4, inner); k++) a[3 + r * sar + k * sak] = 0;
        const sb = n + 2;
        const b = filled(wasm, inner * sb, n + 7);
        const sc = n + 1;
        const c = filled(wasm, rows * sc + 4, 3);
        const ref = Float32Array.from(c);
        wasm.gemmAcc(a, 3, sar, sak, b, 0, sb, c, 4, sc, rows, inner, n);
        js.gemmAcc(a, 3, sar, sak, b, 0, sb, ref, 4, sc, rows, inner, n);
        expect(maxRelativeError(c, ref), `gemmAcc ${rows}×${inner}×${n} ${transposed}`).toBeLessThan(1e-5);
      }
    }
  });

  it("exp matches Math.exp to float32 precision, flushes tiny results and handles tails", () => {
    for (const n of [1, 3, 4, 7, 64, 1001]) {
      const a = wasm.alloc(n + 2);
      for (let i = 0; i < a.length; i++) a[i] = -100 + (190 * i) / a.length;
      const input = Float32Array.from(a);
      wasm.exp(a, 1, n, 2.5);
      expect(a[0]).toBe(input[0]);
      expect(a[n + 1]).toBe(input[n + 1]);
      for (let i = 1; i <= n; i++) {
        // The argument is rounded to float32 first, as every float32 exp (llama.cpp's too) sees it.
        const want = Math.exp(Math.fround((input[i] as number) - 2.5));
        const got = a[i] as number;
        if (want < 1e-20) expect(got, `exp(${input[i]} − 2.5)`).toBe(0);
        else if (want < 1e38)
          expect(Math.abs(got - want) / want, `exp(${input[i]} − 2.5)`).toBeLessThan(3e-7);
      }
    }
  });

  it("refuses arrays outside its memory", () => {
    const outside = new Float32Array(16);
    const inside = wasm.alloc(16);
    expect(() => wasm.dot(outside, 0, 4, inside, 0, 4, inside, 0, 4, 1, 1, 4)).toThrow(/kernel memory/);
  });
});
