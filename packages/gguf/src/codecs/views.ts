/**
 * Typed-array views over caller buffers. GGUF data is little-endian; a multi-byte view is only taken when the host
 * is little-endian too and the offset is aligned, otherwise the kernels fall back to byte-wise access. Views copy
 * bit patterns, so NaN payloads pass through untouched (a JS number read from a Float32Array may not keep them).
 */

export const HOST_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The `count` u16 values at the start of `bytes` as a Uint16Array view, or undefined when none can be taken. */
export function u16View(bytes: Uint8Array, count: number): Uint16Array | undefined {
  if (!HOST_LITTLE_ENDIAN || bytes.byteOffset % 2 !== 0) return undefined;
  return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
}

/** The `count` u32 values at the start of `bytes` as a Uint32Array view, or undefined when none can be taken. */
export function u32View(bytes: Uint8Array, count: number): Uint32Array | undefined {
  if (!HOST_LITTLE_ENDIAN || bytes.byteOffset % 4 !== 0) return undefined;
  return new Uint32Array(bytes.buffer, bytes.byteOffset, count);
}

/**
 * The bit patterns of the first `count` floats (a Float32Array is always 4-byte aligned), as int32: V8 keeps
 * int32 values unboxed, while a Uint32Array element of 2^31 or more (any negative float) becomes a double.
 */
export function bitsOf(values: Float32Array, count: number): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, count);
}

/** The bytes of the first `count` floats, host order. */
export function bytesOf(values: Float32Array, count: number): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, count * 4);
}

/** Little-endian u16 at byte `o`. */
export function readU16(bytes: Uint8Array, o: number): number {
  return (bytes[o] as number) | ((bytes[o + 1] as number) << 8);
}
