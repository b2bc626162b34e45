/**
 * Walking a GGUF string array's length prefixes in WebAssembly (string-walk.wat): opening a gpt-oss GGUF
 * steps over ~650k vocabulary strings, which cold JavaScript did at 10–190 ns each (the code is not optimized
 * yet when a CLI opens one file) and WebAssembly does at ~5 ns from the first call.
 *
 * WebAssembly reads only its own memory, so the header window allocates its buffers with `walkableBuffer`:
 * a Buffer over a WebAssembly memory of fixed size (never grown, so views of it stay valid). A walk over any
 * other buffer copies a slice into a scratch memory first: correct, only slower.
 */
import { WASM_BASE64 } from "./string-walk-wasm.js";

interface Walker {
  walk(p: number, end: number, n: number, i: number): number;
  stop: { value: number };
}

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface Memory {
  buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (size: { initial: number; maximum: number }) => Memory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 64 * 1024;
/** Above this a window is a plain buffer (WebAssembly memories end at 4 GiB; no real header comes close). */
const MAX_WALKABLE = 1 << 30;
/** Scratch for walks over plain buffers. */
const SCRATCH_BYTES = 1 << 20;

let module: object | undefined;
const walkers = new WeakMap<ArrayBufferLike, Walker>();
let scratch: Buffer | undefined;

function instantiate(memory: Memory): Walker {
  module ??= new wasm.Module(Buffer.from(WASM_BASE64, "base64"));
  const instance = new wasm.Instance(module, { env: { memory } });
  return instance.exports as unknown as Walker;
}

/** A buffer of `size` bytes (contents undefined) whose string arrays are walked in WebAssembly. */
export function walkableBuffer(size: number): Buffer {
  if (size > MAX_WALKABLE) return Buffer.allocUnsafe(size);
  const pages = Math.max(1, Math.ceil(size / PAGE));
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  walkers.set(memory.buffer, instantiate(memory));
  return Buffer.from(memory.buffer, 0, size);
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
    const stoppedAt = walker.walk(base + at, base + end, n, item);
    return { at: walker.stop.value - base, item: stoppedAt };
  }
  scratch ??= walkableBuffer(SCRATCH_BYTES);
  const length = Math.min(end - at, SCRATCH_BYTES);
  bytes.copy(scratch, 0, at, at + length);
  const stop = walkShortStrings(scratch, 0, length, n, item);
  return { at: at + stop.at, item: stop.item };
}
