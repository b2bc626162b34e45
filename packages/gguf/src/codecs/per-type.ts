/**
 * One named function per supported type, for callers that know the type statically. Each takes the tensor bytes
 * (and optionally an element count) or the values, and allocates its result; for reuse of buffers, use
 * `decodeTensorInto` / `encodeTensorInto` with the type id.
 */
import { GGML_TYPE } from "../ggml-types.js";
import { decodeTensor, encodeTensor } from "./tensor.js";

type Decode = (bytes: Uint8Array, count?: number) => Float32Array;
type Encode = (values: Float32Array) => Uint8Array;

function decoder(type: number): Decode {
  return (bytes, count) => decodeTensor(type, bytes, count);
}

function encoder(type: number): Encode {
  return (values) => encodeTensor(type, values);
}

export const decodeF32: Decode = decoder(GGML_TYPE.F32);
export const decodeF16: Decode = decoder(GGML_TYPE.F16);
export const decodeBf16: Decode = decoder(GGML_TYPE.BF16);
export const decodeQ8_0: Decode = decoder(GGML_TYPE.Q8_0);
export const decodeQ4_0: Decode = decoder(GGML_TYPE.Q4_0);
export const decodeQ4_1: Decode = decoder(GGML_TYPE.Q4_1);
export const decodeQ5_0: Decode = decoder(GGML_TYPE.Q5_0);
export const decodeQ5_1: Decode = decoder(GGML_TYPE.Q5_1);
export const decodeMxfp4: Decode = decoder(GGML_TYPE.MXFP4);
export const decodeQ2K: Decode = decoder(GGML_TYPE.Q2_K);
export const decodeQ3K: Decode = decoder(GGML_TYPE.Q3_K);
export const decodeQ4K: Decode = decoder(GGML_TYPE.Q4_K);
export const decodeQ5K: Decode = decoder(GGML_TYPE.Q5_K);
export const decodeQ6K: Decode = decoder(GGML_TYPE.Q6_K);

export const encodeF32: Encode = encoder(GGML_TYPE.F32);
export const encodeF16: Encode = encoder(GGML_TYPE.F16);
export const encodeBf16: Encode = encoder(GGML_TYPE.BF16);
export const encodeQ8_0: Encode = encoder(GGML_TYPE.Q8_0);
export const encodeMxfp4: Encode = encoder(GGML_TYPE.MXFP4);
