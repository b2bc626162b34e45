/**
 * Incremental decoding and encoding for data that arrives in chunks of any size (file reads, network): a chunk
 * may end inside a block, and the partial block is carried to the next one. Memory stays at one chunk plus one
 * block, so tensors of any size can be converted without holding them whole.
 */
import { GgufCodecError } from "@overtone/errors";
import { ggmlTypeName } from "../ggml-types.js";
import { type DecodeKernel, type EncodeKernel, type TensorCodec, tensorCodec } from "./registry.js";

function codecFor(type: number, encode: boolean): TensorCodec {
  const codec = tensorCodec(type);
  if (codec === undefined || (encode && codec.encodeBlocks === undefined)) {
    const what = encode ? "encoder" : "decoder";
    throw new GgufCodecError(`${ggmlTypeName(type)}: no ${what} for this type`, {
      type,
      typeName: ggmlTypeName(type),
      what,
    });
  }
  return codec;
}

function truncated(codec: TensorCodec, unit: string, found: number, limit: number): GgufCodecError {
  return new GgufCodecError(
    `${codec.name}: stream ended inside a block (${found} of ${limit} ${unit} of the last block)`,
    { type: codec.type, typeName: codec.name, what: "partial block", found, limit },
  );
}

/** Bytes in, floats out. `push` returns the values of every block the bytes so far complete. */
export class TensorDecoder {
  readonly #codec: TensorCodec;
  readonly #decode: DecodeKernel;
  readonly #pending: Uint8Array;
  #filled = 0;

  constructor(type: number) {
    this.#codec = codecFor(type, false);
    this.#decode = this.#codec.decodeBlocks;
    this.#pending = new Uint8Array(this.#codec.typeSize);
  }

  push(bytes: Uint8Array): Float32Array {
    const { typeSize, blockSize } = this.#codec;
    const take = this.#filled === 0 ? 0 : Math.min(typeSize - this.#filled, bytes.length);
    const carried = this.#filled + take === typeSize ? 1 : 0;
    const whole = Math.floor((bytes.length - take) / typeSize);
    const out = new Float32Array((carried + whole) * blockSize);
    if (take > 0) {
      this.#pending.set(bytes.subarray(0, take), this.#filled);
      this.#filled += take;
      if (carried === 1) {
        this.#decode(this.#pending, out, 1);
        this.#filled = 0;
      }
    }
    const start = take;
    if (whole > 0) this.#decode(bytes.subarray(start), out.subarray(carried * blockSize), whole);
    const restAt = start + whole * typeSize;
    if (restAt < bytes.length) {
      this.#pending.set(bytes.subarray(restAt), this.#filled);
      this.#filled += bytes.length - restAt;
    }
    return out;
  }

  /** Throws GgufCodecError when the bytes ended inside a block. */
  finish(): void {
    if (this.#filled !== 0) throw truncated(this.#codec, "bytes", this.#filled, this.#codec.typeSize);
  }
}

/** Floats in, bytes out. `push` returns the encoding of every block the values so far complete. */
export class TensorEncoder {
  readonly #codec: TensorCodec;
  readonly #encode: EncodeKernel;
  readonly #pending: Float32Array;
  #filled = 0;

  constructor(type: number) {
    this.#codec = codecFor(type, true);
    this.#encode = this.#codec.encodeBlocks as EncodeKernel;
    this.#pending = new Float32Array(this.#codec.blockSize);
  }

  push(values: Float32Array): Uint8Array {
    const { typeSize, blockSize } = this.#codec;
    const take = this.#filled === 0 ? 0 : Math.min(blockSize - this.#filled, values.length);
    const carried = this.#filled + take === blockSize ? 1 : 0;
    const whole = Math.floor((values.length - take) / blockSize);
    const out = new Uint8Array((carried + whole) * typeSize);
    if (take > 0) {
      // Copy through the bit patterns so NaN payloads reach the encoder unchanged.
      bits(this.#pending).set(bits(values.subarray(0, take)), this.#filled);
      this.#filled += take;
      if (carried === 1) {
        this.#encode(this.#pending, out, 1);
        this.#filled = 0;
      }
    }
    if (whole > 0) this.#encode(values.subarray(take), out.subarray(carried * typeSize), whole);
    const restAt = take + whole * blockSize;
    if (restAt < values.length) {
      bits(this.#pending).set(bits(values.subarray(restAt)), this.#filled);
      this.#filled += values.length - restAt;
    }
    return out;
  }

  /** Throws GgufCodecError when the values ended inside a block. */
  finish(): void {
    if (this.#filled !== 0) throw truncated(this.#codec, "values", this.#filled, this.#codec.blockSize);
  }
}

function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Decodes a stream of byte chunks of any size into a stream of float chunks (whole blocks each). */
export async function* decodeStream(
  type: number,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Float32Array> {
  const decoder = new TensorDecoder(type);
  for await (const chunk of chunks) {
    const values = decoder.push(chunk);
    if (values.length > 0) yield values;
  }
  decoder.finish();
}

/** Encodes a stream of float chunks of any size into a stream of byte chunks (whole blocks each). */
export async function* encodeStream(
  type: number,
  chunks: AsyncIterable<Float32Array> | Iterable<Float32Array>,
): AsyncGenerator<Uint8Array> {
  const encoder = new TensorEncoder(type);
  for await (const chunk of chunks) {
    const bytes = encoder.push(chunk);
    if (bytes.length > 0) yield bytes;
  }
  encoder.finish();
}
