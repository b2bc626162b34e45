/**
 * The two products every matrix operation of the trainer reduces to (bias terms included), and the exp() its
 * softmaxes and sigmoids need, behind one interface with two
 * implementations: WebAssembly SIMD for training (float32, ~8× faster than the best JavaScript loop measured
 * on this machine; wasm-kernels.ts) and plain JavaScript for any float array (the float64 gradient check and the
 * reference for the SIMD kernels' tests). Arrays are addressed as (array, element offset, row stride), so
 * a head inside a [T][H·D] matrix or a transposed operand needs no copy.
 *
 * Each kernel also owns where arrays live: WebAssembly can only read its own memory, so every array a kernel
 * touches comes from `alloc`.
 */
import type { Floats, FloatsConstructor } from "./param-layout.js";

/**
 * Values from exp() below this are stored as 0. Float32 subnormals (below 1.2e-38) make x86 multiply 28× slower
 * (measured on the SIMD kernels), and a trained model's attention and output softmaxes produce them in bulk, as
 * do products of two merely tiny values; a weight of 1e-20 next to ones changes nothing a float32 can hold.
 */
export const FLUSH_TO_ZERO_BELOW = 1e-20;

export interface Kernels {
  readonly name: "js" | "wasm";
  /** A zeroed array the kernels can work on. */
  alloc(length: number): Floats;
  /** y[r·sy + c] = Σ_{i<n} x[r·sx + i]·w[c·sw + i], for r < rows, c < cols (overwrites y). */
  dot(
    x: Floats,
    xo: number,
    sx: number,
    w: Floats,
    wo: number,
    sw: number,
    y: Floats,
    yo: number,
    sy: number,
    rows: number,
    cols: number,
    n: number,
  ): void;
  /** a[o + i] = exp(a[o + i] − shift) for i < n, values below FLUSH_TO_ZERO_BELOW stored as 0. */
  exp(a: Floats, o: number, n: number, shift: number): void;
  /** c[r·sc + i] += Σ_{k<inner} a[r·sar + k·sak]·b[k·sb + i], for r < rows, i < n. */
  gemmAcc(
    a: Floats,
    ao: number,
    sar: number,
    sak: number,
    b: Floats,
    bo: number,
    sb: number,
    c: Floats,
    co: number,
    sc: number,
    rows: number,
    inner: number,
    n: number,
  ): void;
}

/** Plain loops over any float array; sums in float64 (JavaScript numbers), stored at the array's precision. */
export class JsKernels implements Kernels {
  readonly name = "js";
  constructor(private readonly Type: FloatsConstructor = Float64Array) {}

  alloc(length: number): Floats {
    return new this.Type(length);
  }

  dot(
    x: Floats,
    xo: number,
    sx: number,
    w: Floats,
    wo: number,
    sw: number,
    y: Floats,
    yo: number,
    sy: number,
    rows: number,
    cols: number,
    n: number,
  ): void {
    for (let r = 0; r < rows; r++) {
      const xr = xo + r * sx;
      for (let c = 0; c < cols; c++) {
        const wc = wo + c * sw;
        let s = 0;
        for (let i = 0; i < n; i++) s += (x[xr + i] as number) * (w[wc + i] as number);
        y[yo + r * sy + c] = s;
      }
    }
  }

  exp(a: Floats, o: number, n: number, shift: number): void {
    expTail(a, o, 0, n, shift);
  }

  gemmAcc(
    a: Floats,
    ao: number,
    sar: number,
    sak: number,
    b: Floats,
    bo: number,
    sb: number,
    c: Floats,
    co: number,
    sc: number,
    rows: number,
    inner: number,
    n: number,
  ): void {
    for (let r = 0; r < rows; r++) {
      const cr = co + r * sc;
      for (let k = 0; k < inner; k++) {
        const coef = a[ao + r * sar + k * sak] as number;
        if (coef === 0) continue;
        const bk = bo + k * sb;
        for (let i = 0; i < n; i++) c[cr + i] = (c[cr + i] as number) + coef * (b[bk + i] as number);
      }
    }
  }
}

/** Allocates nothing: counts what a workspace would take, to size a kernel memory before creating it. */
export class AllocationCounter implements Kernels {
  readonly name = "js";
  floats = 0;
  allocations = 0;

  alloc(length: number): Floats {
    this.floats += length;
    this.allocations++;
    return new Float32Array(0);
  }

  dot(): void {
    throw new Error("AllocationCounter only counts allocations");
  }

  gemmAcc(): void {
    throw new Error("AllocationCounter only counts allocations");
  }

  exp(): void {
    throw new Error("AllocationCounter only counts allocations");
  }
}

/** a[o + i] = exp(a[o + i] − shift) for from ≤ i < to, with Math.exp (the plain kernels, and SIMD tails). */
export function expTail(a: Floats, o: number, from: number, to: number, shift: number): void {
  for (let i = o + from; i < o + to; i++) {
    const e = Math.exp((a[i] as number) - shift);
    a[i] = e < FLUSH_TO_ZERO_BELOW ? 0 : e;
  }
}
