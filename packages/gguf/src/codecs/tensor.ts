/**
 * Whole-buffer and into-buffer decoding/encoding of tensor data, with the length checks the kernels leave out.
 * `decodeTensorInto` / `encodeTensorInto` allocate nothing, so a caller can walk a tensor row by row (or in any
 * whole-block chunks) through one reused buffer; `stream.ts` handles chunks that split blocks.
 */
import { GgufCodecError } from "@overtone/errors";
import { ggmlTypeName } from "../ggml-types.js";
import { type TensorCodec, tensorCodec } from "./registry.js";

function codecError(
  type: number,
  what: string,
  message: string,
  found?: number,
  limit?: number,
): GgufCodecError {
  return new GgufCodecError(`${ggmlTypeName(type)}: ${message}`, {
    type,
    typeName: ggmlTypeName(type),
    what,
    ...(found === undefined ? {} : { found }),
    ...(limit === undefined ? {} : { limit }),
  });
}

function requireCodec(type: number, encode: boolean): TensorCodec {
  const codec = tensorCodec(type);
  if (codec === undefined || (encode && codec.encodeBlocks === undefined)) {
    throw codecError(
      type,
      encode ? "encoder" : "decoder",
      `no ${encode ? "encoder" : "decoder"} for this type`,
    );
  }
  return codec;
}

function blocksOf(codec: TensorCodec, count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw codecError(
      codec.type,
      "element count",
      `element count ${count} is not a non-negative integer`,
      count,
    );
  }
  if (count % codec.blockSize !== 0) {
    throw codecError(
      codec.type,
      "element count",
      `element count ${count} is not a multiple of the block size ${codec.blockSize}`,
      count,
      codec.blockSize,
    );
  }
  return count / codec.blockSize;
}

/** Bytes that `count` elements of `type` occupy; throws GgufCodecError when count is not whole blocks. */
export function encodedByteLength(type: number, count: number): number {
  const codec = requireCodec(type, false);
  return blocksOf(codec, count) * codec.typeSize;
}

/** Elements held by `byteLength` bytes of `type`; throws GgufCodecError when that is not whole blocks. */
export function decodedElementCount(type: number, byteLength: number): number {
  const codec = requireCodec(type, false);
  if (byteLength % codec.typeSize !== 0) {
    throw codecError(
      type,
      "byte length",
      `${byteLength} bytes are not a whole number of ${codec.typeSize}-byte blocks`,
      byteLength,
      codec.typeSize,
    );
  }
  return (byteLength / codec.typeSize) * codec.blockSize;
}

/**
 * Decodes `count` elements (default: all of `bytes`, which must then be whole blocks) into `out` from index 0.
 * Extra bytes past the `count` elements are ignored. Returns the `count`-element view of `out`.
 */
export function decodeTensorInto(
  type: number,
  bytes: Uint8Array,
  out: Float32Array,
  count?: number,
): Float32Array {
  const codec = requireCodec(type, false);
  const n = count ?? decodedElementCount(type, bytes.length);
  const blocks = blocksOf(codec, n);
  const need = blocks * codec.typeSize;
  if (bytes.length < need) {
    throw codecError(
      type,
      "byte length",
      `${n} elements need ${need} bytes, got ${bytes.length}`,
      bytes.length,
      need,
    );
  }
  if (out.length < n) {
    throw codecError(type, "output length", `output holds ${out.length} floats, need ${n}`, out.length, n);
  }
  codec.decodeBlocks(bytes, out, blocks);
  return out.length === n ? out : out.subarray(0, n);
}

/** Decodes `count` elements (default: all of `bytes`) into a new Float32Array. */
export function decodeTensor(type: number, bytes: Uint8Array, count?: number): Float32Array {
  const codec = requireCodec(type, false);
  const n = count ?? decodedElementCount(type, bytes.length);
  blocksOf(codec, n); // validate before allocating
  return decodeTensorInto(type, bytes, new Float32Array(n), n);
}

/** Encodes all of `values` (whole blocks) into `out` from byte 0; returns the written view of `out`. */
export function encodeTensorInto(type: number, values: Float32Array, out: Uint8Array): Uint8Array {
  const codec = requireCodec(type, true);
  const blocks = blocksOf(codec, values.length);
  const need = blocks * codec.typeSize;
  if (out.length < need) {
    throw codecError(
      type,
      "output length",
      `output holds ${out.length} bytes, need ${need}`,
      out.length,
      need,
    );
  }
  (codec.encodeBlocks as NonNullable<TensorCodec["encodeBlocks"]>)(values, out, blocks);
  return out.length === need ? out : out.subarray(0, need);
}

/** Encodes all of `values` (whole blocks) into a new byte array, as ggml's reference quantizer would. */
export function encodeTensor(type: number, values: Float32Array): Uint8Array {
  const codec = requireCodec(type, true);
  return encodeTensorInto(type, values, new Uint8Array(blocksOf(codec, values.length) * codec.typeSize));
}
