/**
 * Which ggml types Overtone can decode and encode, and the block kernels behind them. Block layout (elements
 * and bytes per block) comes from the shared ggml type table so the two can never disagree.
 *
 * Kernel contract: `decodeBlocks(src, dst, blocks)` reads `blocks * typeSize` bytes from the start of `src` and
 * writes `blocks * blockSize` floats from the start of `dst`; `encodeBlocks` is the reverse. Kernels do not
 * check lengths — the callers in tensor.ts and stream.ts do.
 */
import { GGML_TYPE, type GgmlType, type GgmlTypeName, ggmlTypeInfo } from "../ggml-types.js";
import {
  decodeBf16Blocks,
  decodeF16Blocks,
  decodeF32Blocks,
  encodeBf16Blocks,
  encodeF16Blocks,
  encodeF32Blocks,
} from "./float-codecs.js";
import {
  decodeQ2KBlocks,
  decodeQ3KBlocks,
  decodeQ4KBlocks,
  decodeQ5KBlocks,
  decodeQ6KBlocks,
} from "./k-quants.js";
import { decodeQ4_0Blocks, decodeQ4_1Blocks, decodeQ5_0Blocks, decodeQ5_1Blocks } from "./legacy-quants.js";
import { decodeMxfp4Blocks, encodeMxfp4Blocks } from "./mxfp4.js";
import { decodeQ8_0Blocks, encodeQ8_0Blocks } from "./q8-0.js";

export type DecodeKernel = (src: Uint8Array, dst: Float32Array, blocks: number) => void;
export type EncodeKernel = (src: Float32Array, dst: Uint8Array, blocks: number) => void;

export interface TensorCodec {
  readonly type: GgmlType;
  readonly name: GgmlTypeName;
  /** Elements per block. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
  readonly decodeBlocks: DecodeKernel;
  /** Absent for types Overtone only reads (the K-quants and the older 4/5-bit quants). */
  readonly encodeBlocks: EncodeKernel | undefined;
}

const KERNELS: [GgmlType, DecodeKernel, EncodeKernel | undefined][] = [
  [GGML_TYPE.F32, decodeF32Blocks, encodeF32Blocks],
  [GGML_TYPE.F16, decodeF16Blocks, encodeF16Blocks],
  [GGML_TYPE.BF16, decodeBf16Blocks, encodeBf16Blocks],
  [GGML_TYPE.Q8_0, decodeQ8_0Blocks, encodeQ8_0Blocks],
  [GGML_TYPE.MXFP4, decodeMxfp4Blocks, encodeMxfp4Blocks],
  [GGML_TYPE.Q4_0, decodeQ4_0Blocks, undefined],
  [GGML_TYPE.Q4_1, decodeQ4_1Blocks, undefined],
  [GGML_TYPE.Q5_0, decodeQ5_0Blocks, undefined],
  [GGML_TYPE.Q5_1, decodeQ5_1Blocks, undefined],
  [GGML_TYPE.Q2_K, decodeQ2KBlocks, undefined],
  [GGML_TYPE.Q3_K, decodeQ3KBlocks, undefined],
  [GGML_TYPE.Q4_K, decodeQ4KBlocks, undefined],
  [GGML_TYPE.Q5_K, decodeQ5KBlocks, undefined],
  [GGML_TYPE.Q6_K, decodeQ6KBlocks, undefined],
];

const CODECS = new Map<number, TensorCodec>();
for (const [type, decodeBlocks, encodeBlocks] of KERNELS) {
  const info = ggmlTypeInfo(type);
  if (info === undefined) throw new Error(`ggml type table lacks type ${type}`);
  CODECS.set(
    type,
    Object.freeze({
      type,
      name: info.name,
      blockSize: info.blockSize,
      typeSize: info.typeSize,
      decodeBlocks,
      encodeBlocks,
    }),
  );
}

/** The codec for a ggml type id, or undefined when Overtone has none. */
export function tensorCodec(type: number): TensorCodec | undefined {
  return CODECS.get(type);
}

/** Every type with a codec, in id order. */
export function codecTypes(): GgmlType[] {
  return [...CODECS.keys()].sort((a, b) => a - b) as GgmlType[];
}

export function canDecode(type: number): boolean {
  return CODECS.has(type);
}

export function canEncode(type: number): boolean {
  return CODECS.get(type)?.encodeBlocks !== undefined;
}
