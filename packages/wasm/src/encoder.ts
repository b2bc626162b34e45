/**
 * Just enough of a WebAssembly encoder to build Overtone's kernels at run time (the trainer's SIMD kernels, the
 * GGUF reader's string walk): i32 parameters, i32 / f32 / v128 locals, structured loops, and one imported memory. Building the bytes here (instead of shipping a
 * compiled .wasm) keeps the kernels readable as code, needs no toolchain, and the module is a few KB made in
 * microseconds. Opcodes: the WebAssembly core spec §5.4 and the fixed-width SIMD proposal's table.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (i32). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (op: number) => [0xfd, ...uleb(op)];
/** memarg: alignment exponent, then a constant byte offset. */
const memarg = (alignLog2: number, offset: number) => [...uleb(alignLog2), ...uleb(offset)];

/** A function under construction; parameters are i32 (pointers and sizes) unless `paramTypes` says otherwise. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: number[] = [];
  readonly paramTypes: readonly number[];

  constructor(
    readonly paramCount: number,
    paramTypes?: readonly number[],
  ) {
    this.paramTypes = paramTypes ?? new Array<number>(paramCount).fill(I32);
  }

  private local(type: number): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }
  i32Local(): number {
    return this.local(I32);
  }
  f32Local(): number {
    return this.local(F32);
  }
  v128Local(): number {
    return this.local(V128);
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  get(l: number): this {
    return this.op(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.op(0x21, ...uleb(l));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  add(): this {
    return this.op(0x6a);
  }
  mul(): this {
    return this.op(0x6c);
  }
  and(): this {
    return this.op(0x71);
  }
  or(): this {
    return this.op(0x72);
  }
  shl(): this {
    return this.op(0x74);
  }
  ltS(): this {
    return this.op(0x48);
  }
  ltU(): this {
    return this.op(0x49);
  }
  leU(): this {
    return this.op(0x4d);
  }
  eqz(): this {
    return this.op(0x45);
  }
  /** i32 load/store at any alignment (a hint only: unaligned access is valid WebAssembly). */
  i32Load(offset = 0): this {
    return this.op(0x28, ...memarg(0, offset));
  }
  i32Store(offset = 0): this {
    return this.op(0x36, ...memarg(0, offset));
  }
  f32Load(offset = 0): this {
    return this.op(0x2a, ...memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, ...memarg(2, offset));
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Ne(): this {
    return this.op(0x5c);
  }
  f32Zero(): this {
    return this.op(0x43, 0, 0, 0, 0);
  }
  f32Const(value: number): this {
    return this.op(0x43, ...new Uint8Array(Float32Array.of(value).buffer));
  }
  v128Load(offset = 0): this {
    return this.op(...simd(0x00), ...memarg(4, offset));
  }
  v128Store(offset = 0): this {
    return this.op(...simd(0x0b), ...memarg(4, offset));
  }
  v128Zero(): this {
    return this.op(...simd(0x0c), ...new Array<number>(16).fill(0));
  }
  f32x4Splat(): this {
    return this.op(...simd(0x13));
  }
  f32x4Lane(lane: number): this {
    return this.op(...simd(0x1f), lane);
  }
  f32x4Add(): this {
    return this.op(...simd(0xe4));
  }
  f32x4Mul(): this {
    return this.op(...simd(0xe6));
  }
  f32x4Sub(): this {
    return this.op(...simd(0xe5));
  }
  f32x4Min(): this {
    return this.op(...simd(0xe8));
  }
  f32x4Max(): this {
    return this.op(...simd(0xe9));
  }
  f32x4Nearest(): this {
    return this.op(...simd(0x6a));
  }
  f32x4Ge(): this {
    return this.op(...simd(0x46));
  }
  v128And(): this {
    return this.op(...simd(0x4e));
  }
  /** f32x4 → i32x4, truncating and saturating. */
  i32x4TruncSatF32x4(): this {
    return this.op(...simd(0xf8));
  }
  /** Shifts each i32 lane left by the i32 on top of the stack. */
  i32x4Shl(): this {
    return this.op(...simd(0xab));
  }

  /** local = local + constant (i32). */
  bump(l: number, by: number): this {
    return this.get(l).i32(by).add().set(l);
  }

  /** while (cond()) body(); cond leaves an i32 on the stack. */
  whileLoop(cond: () => void, body: () => void): this {
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    cond();
    this.op(0x45, 0x0d, 1); // i32.eqz, br_if 1 (leave the block)
    body();
    this.op(0x0c, 0, 0x0b, 0x0b); // br 0 (next iteration), end loop, end block
    return this;
  }

  /** while (counter < limit) { body(); counter += step } */
  countUp(counter: number, limit: number, step: number, body: () => void): this {
    return this.whileLoop(
      () => this.get(counter).get(limit).ltS(),
      () => {
        body();
        this.bump(counter, step);
      },
    );
  }

  /** if (cond()) body(); */
  ifThen(cond: () => void, body: () => void): this {
    cond();
    this.op(0x04, 0x40);
    body();
    return this.op(0x0b);
  }

  /** Locals (run-length encoded by type), the code, and the closing `end`. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const type of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === type) last[0] = (last[0] as number) + 1;
      else groups.push([1, type]);
    }
    const locals = [
      ...uleb(groups.length),
      ...groups.flatMap(([n, type]) => [...uleb(n as number), type as number]),
    ];
    const body = [...locals, ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (text: string) => {
  const bytes = new TextEncoder().encode(text); // the length prefix counts bytes, not UTF-16 units
  return [...uleb(bytes.length), ...bytes];
};

/** A module importing `env.memory` (shared or not, up to 65536 pages) and exporting each function by name. */
export function encodeModule(
  functions: readonly { name: string; fn: FunctionBuilder }[],
  sharedMemory: boolean,
): Uint8Array {
  const types = functions.map(({ fn }) => [0x60, ...uleb(fn.paramCount), ...fn.paramTypes, 0]);
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map(({ fn }) => fn.encode()))),
  ];
  return Uint8Array.from(bytes);
}
