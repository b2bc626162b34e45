/**
 * GGUF tensor codecs, bit-exact with ggml (libggml-base of llama.cpp v0.5.0): decode F32, F16, BF16, Q8_0,
 * Q4_0, Q4_1, Q5_0, Q5_1, MXFP4 and Q2_K…Q6_K to float32; encode F32, F16, BF16, Q8_0 and MXFP4 as ggml's
 * reference quantizers do.
 */
export { bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits } from "./half-float.js";
export { bestIndexMxfp4, e8m0ToF32Half, KVALUES_MXFP4, mxfp4Exponent } from "./mxfp4.js";
export {
  decodeBf16,
  decodeF16,
  decodeF32,
  decodeMxfp4,
  decodeQ2K,
  decodeQ3K,
  decodeQ4_0,
  decodeQ4_1,
  decodeQ4K,
  decodeQ5_0,
  decodeQ5_1,
  decodeQ5K,
  decodeQ6K,
  decodeQ8_0,
  encodeBf16,
  encodeF16,
  encodeF32,
  encodeMxfp4,
  encodeQ8_0,
} from "./per-type.js";
export {
  canDecode,
  canEncode,
  codecTypes,
  type DecodeKernel,
  type EncodeKernel,
  type TensorCodec,
  tensorCodec,
} from "./registry.js";
export { decodeStream, encodeStream, TensorDecoder, TensorEncoder } from "./stream.js";
export {
  decodedElementCount,
  decodeTensor,
  decodeTensorInto,
  encodedByteLength,
  encodeTensor,
  encodeTensorInto,
} from "./tensor.js";
