/**
 * The Kernels of kernels.ts in WebAssembly SIMD (f32x4), float32 throughout. `dot` works on 4×4 tiles of
 * output (four x rows against four w rows: sixteen vector accumulators, each loaded vector used four times);
 * `gemmAcc` on 4 output rows × 4 inner steps (sixteen splatted coefficients, a tile skipped when all sixteen are
 * zero — the masked half of attention). Lengths that are not multiples of 4 fall back to scalar tails, so any
 * shape works. Sums run in a fixed order, so results are deterministic (WebAssembly has no fused multiply-add
 * in this proposal, and no fast-math). `exp` is wasm-exp.ts, four lanes at a time, with a Math.exp tail.
 *
 * Arrays live in one WebAssembly.Memory (shared when worker threads use it); `alloc` hands out 16-byte aligned
 * views from a region of it.
 */
import { encodeModule, type WasmMemory, wasm } from "@overtone/wasm";
import { expTail, type Kernels } from "./kernels.js";
import type { Floats } from "./param-layout.js";
import { buildDot } from "./wasm-dot.js";
import { buildExpShifted } from "./wasm-exp.js";
import { buildGemmAcc } from "./wasm-gemm.js";

/** Kernel arrays live in one WebAssembly memory. */
export type KernelMemory = WasmMemory;

const PAGE = 65536;

const compiled = new Map<boolean, object>();

function kernelModule(shared: boolean): object {
  let module = compiled.get(shared);
  if (module === undefined) {
    const bytes = encodeModule(
      [
        { name: "dot", fn: buildDot() },
        { name: "gemmAcc", fn: buildGemmAcc() },
        { name: "expShifted", fn: buildExpShifted() },
      ],
      shared,
    );
    module = new wasm.Module(bytes);
    compiled.set(shared, module);
  }
  return module;
}

/** Pages for `floats` float32 values plus 16-byte alignment slack per allocation. */
export function pagesFor(floats: number, allocations: number): number {
  return Math.max(1, Math.ceil((floats * 4 + allocations * 16) / PAGE));
}

export function createKernelMemory(pages: number, shared: boolean): KernelMemory {
  return new wasm.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
}

type DotExport = (
  x: number,
  sx: number,
  w: number,
  sw: number,
  y: number,
  sy: number,
  rows: number,
  cols: number,
  n: number,
) => void;
type GemmExport = (
  a: number,
  sar: number,
  sak: number,
  b: number,
  sb: number,
  c: number,
  sc: number,
  rows: number,
  inner: number,
  n: number,
) => void;

export class WasmKernels implements Kernels {
  readonly name = "wasm";
  private readonly dotFn: DotExport;
  private readonly gemmFn: GemmExport;
  private readonly expFn: (pointer: number, count4: number, shift: number) => void;
  private next: number;

  /** Kernels over `memory`, allocating from bytes [start, end) of it. */
  constructor(
    readonly memory: KernelMemory,
    start = 0,
    private readonly end = memory.buffer.byteLength,
  ) {
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    const instance = new wasm.Instance(kernelModule(shared), { env: { memory } });
    this.dotFn = instance.exports.dot as DotExport;
    this.gemmFn = instance.exports.gemmAcc as GemmExport;
    this.expFn = instance.exports.expShifted as (pointer: number, count4: number, shift: number) => void;
    this.next = align(start);
  }

  /** The next free byte of this kernel's region. */
  get position(): number {
    return this.next;
  }

  alloc(length: number): Float32Array {
    const bytes = length * 4;
    if (this.next + bytes > this.end) {
      throw new RangeError(`kernel memory exhausted: ${bytes} bytes asked, ${this.end - this.next} left`);
    }
    const view = new Float32Array(this.memory.buffer, this.next, length);
    this.next = align(this.next + bytes);
    return view;
  }

  /** A view of floats already placed in this memory (by another thread's allocation). */
  view(byteOffset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, byteOffset, length);
  }

  exp(a: Floats, o: number, n: number, shift: number): void {
    const n4 = n - (n % 4);
    if (n4 > 0) this.expFn(this.pointer(a, o), n4, shift);
    expTail(a, o, n4, n, shift);
  }

  private pointer(array: Floats, offset: number): number {
    if (!(array instanceof Float32Array) || array.buffer !== this.memory.buffer) {
      throw new RangeError(
        "WasmKernels: array is not a Float32Array in the kernel memory (allocate it with alloc)",
      );
    }
    return array.byteOffset + offset * 4;
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
    this.dotFn(this.pointer(x, xo), sx, this.pointer(w, wo), sw, this.pointer(y, yo), sy, rows, cols, n);
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
    this.gemmFn(
      this.pointer(a, ao),
      sar,
      sak,
      this.pointer(b, bo),
      sb,
      this.pointer(c, co),
      sc,
      rows,
      inner,
      n,
    );
  }
}

function align(byte: number): number {
  return (byte + 15) & ~15;
}
