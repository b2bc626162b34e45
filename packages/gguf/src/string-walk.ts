/**
 * Walking a GGUF string array's length prefixes in WebAssembly: opening a gpt-oss GGUF steps over ~650k
 * vocabulary strings, which cold JavaScript did at 10–190 ns each (the code is not optimized yet when a CLI
 * opens one file) and WebAssembly does at ~5 ns from the first call. The module is built at run time with the
 * project's encoder (wasm/), a few dozen bytes in microseconds.
 *
 * WebAssembly reads only its own memory, so the header window allocates its buffers with `walkableBuffer`:
 * a Buffer over a WebAssembly memory of fixed size (never grown, so views of it stay valid). A walk over any
 * other buffer copies a slice into a scratch memory first: correct, only slower.
 */
import { encodeModule, FunctionBuilder, type WasmMemory, wasm } from "@overtone/wasm";

const PAGE = 64 * 1024;
/** The walk writes where it stopped (byte offset, item index) to the memory's first 8 bytes; buffers start after. */
const HEADER = 16;
/** The walk's checks are not short-circuit: it may read the 8 bytes of a length prefix just past the window. */
const SLACK = 8;
/** Above this a window is a plain buffer (WebAssembly memories end at 4 GiB; no real header comes close). */
const MAX_WALKABLE = 1 << 30;
/** Scratch for walks over plain buffers. */
const SCRATCH_BYTES = 1 << 20;

interface Walker {
  walk(p: number, end: number, n: number, i: number): void;
  stopped: Uint32Array;
}

/**
 * walk(p, end, n, i): from byte p (item i of n), step over items while each is a short string (length < 128,
 * high word 0) lying wholly before end; then store the offset and index of the first item not stepped over at
 * bytes 0 and 4. The conditions are and-ed without short-circuit: with `len` ≥ 128 the wrapped end check is
 * irrelevant, and a read past `end` stays inside the slack.
 */
function buildWalk(): FunctionBuilder {
  const [p, end, n, i] = [0, 1, 2, 3];
  const f = new FunctionBuilder(4);
  const len = f.i32Local();
  f.whileLoop(
    () => {
      f.get(i).get(n).ltU();
      f.get(p).i32(8).add().get(end).leU().and();
      f.get(p).i32Load().set(len).get(len).i32(128).ltU().and();
      f.get(p).i32Load(4).eqz().and();
      f.get(p).i32(8).add().get(len).add().get(end).leU().and();
    },
    () => {
      f.get(p).i32(8).add().get(len).add().set(p);
      f.bump(i, 1);
    },
  );
  f.i32(0).get(p).i32Store();
  f.i32(0).get(i).i32Store(4);
  return f;
}

let module: object | undefined;
const walkers = new WeakMap<ArrayBufferLike, Walker>();
let scratch: Buffer | undefined;

function instantiate(memory: WasmMemory): Walker {
  module ??= new wasm.Module(encodeModule([{ name: "walk", fn: buildWalk() }], false));
  const instance = new wasm.Instance(module, { env: { memory } });
  return { walk: instance.exports.walk as Walker["walk"], stopped: new Uint32Array(memory.buffer, 0, 2) };
}

/** A buffer of `size` bytes (contents undefined) whose string arrays are walked in WebAssembly. */
export function walkableBuffer(size: number): Buffer {
  if (size > MAX_WALKABLE) return Buffer.allocUnsafe(size);
  const pages = Math.ceil((HEADER + size + SLACK) / PAGE);
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  walkers.set(memory.buffer, instantiate(memory));
  return Buffer.from(memory.buffer, HEADER, size);
}

/** Where a walk stopped: the byte offset (in the walked buffer) and index of the first item not stepped over. */
export interface WalkStop {
  at: number;
  item: number;
}

/**
 * From byte `at` of `bytes` (item `item` of `n`), step over items while each is a string shorter than 128
 * bytes ending at or before `end`. Stops at the first that is not (or at item n).
 */
export function walkShortStrings(bytes: Buffer, at: number, end: number, n: number, item: number): WalkStop {
  const walker = walkers.get(bytes.buffer);
  if (walker !== undefined) {
    const base = bytes.byteOffset;
    walker.walk(base + at, base + end, n, item);
    return { at: (walker.stopped[0] as number) - base, item: walker.stopped[1] as number };
  }
  scratch ??= walkableBuffer(SCRATCH_BYTES);
  const length = Math.min(end - at, SCRATCH_BYTES);
  bytes.copy(scratch, 0, at, at + length);
  const stop = walkShortStrings(scratch, 0, length, n, item);
  return { at: at + stop.at, item: stop.item };
}
