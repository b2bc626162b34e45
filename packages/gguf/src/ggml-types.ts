/**
 * ggml tensor types: ids, names, and the block layout that fixes every tensor's byte size. The table is
 * transcribed from `type_traits` in ggml/src/ggml.c of llama.cpp v0.5.0 (de3ff815) — the source node-llama-cpp
 * ships — and `ggml-types.test.ts` checks every row against `ggml_blck_size` / `ggml_type_size` /
 * `ggml_type_name` of the shipped libggml-base.so. Ids 4, 5, 31–33 and 36–38 are types ggml removed; a file
 * that uses them cannot be sized, so they are absent here and rejected by the reader.
 */
import { InputError } from "@overtone/errors";

export const GGML_TYPE = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  Q8_1: 9,
  Q2_K: 10,
  Q3_K: 11,
  Q4_K: 12,
  Q5_K: 13,
  Q6_K: 14,
  Q8_K: 15,
  IQ2_XXS: 16,
  IQ2_XS: 17,
  IQ3_XXS: 18,
  IQ1_S: 19,
  IQ4_NL: 20,
  IQ3_S: 21,
  IQ2_S: 22,
  IQ4_XS: 23,
  I8: 24,
  I16: 25,
  I32: 26,
  I64: 27,
  F64: 28,
  IQ1_M: 29,
  BF16: 30,
  TQ1_0: 34,
  TQ2_0: 35,
  MXFP4: 39,
  NVFP4: 40,
  Q1_0: 41,
  Q2_0: 42,
} as const;

export type GgmlTypeName = keyof typeof GGML_TYPE;
export type GgmlType = (typeof GGML_TYPE)[GgmlTypeName];

/** ggml's own `GGML_TYPE_COUNT`: ids at or above it are not types at all. */
export const GGML_TYPE_COUNT = 43;

export interface GgmlTypeInfo {
  readonly id: GgmlType;
  /** Our enum name (`Q8_0`, `MXFP4`). */
  readonly name: GgmlTypeName;
  /** ggml's `type_name` (`q8_0`, `mxfp4`), as printed by llama.cpp tools. */
  readonly ggmlName: string;
  /** Elements per block: a row's ne0 must be a multiple of it. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
  readonly quantized: boolean;
}

/** [name, block size, bytes per block, quantized] per id: ggml.c type_traits (blck_size, type_size, is_quantized). */
const TRAITS: Record<GgmlType, [number, number, boolean]> = {
  0: [1, 4, false],
  1: [1, 2, false],
  2: [32, 18, true],
  3: [32, 20, true],
  6: [32, 22, true],
  7: [32, 24, true],
  8: [32, 34, true],
  9: [32, 36, true],
  10: [256, 84, true],
  11: [256, 110, true],
  12: [256, 144, true],
  13: [256, 176, true],
  14: [256, 210, true],
  15: [256, 292, true],
  16: [256, 66, true],
  17: [256, 74, true],
  18: [256, 98, true],
  19: [256, 50, true],
  20: [32, 18, true],
  21: [256, 110, true],
  22: [256, 82, true],
  23: [256, 136, true],
  24: [1, 1, false],
  25: [1, 2, false],
  26: [1, 4, false],
  27: [1, 8, false],
  28: [1, 8, false],
  29: [256, 56, true],
  30: [1, 2, false],
  34: [256, 54, true],
  35: [256, 66, true],
  39: [32, 17, true],
  40: [64, 36, true],
  41: [128, 18, true],
  42: [64, 18, true],
};

const BY_ID = new Map<number, GgmlTypeInfo>();
for (const [name, id] of Object.entries(GGML_TYPE) as [GgmlTypeName, GgmlType][]) {
  const [blockSize, typeSize, quantized] = TRAITS[id];
  // ggml's names are lower case except the K-quants' capital K (q4_K).
  const ggmlName = name.toLowerCase().replace(/_k$/, "_K");
  BY_ID.set(id, Object.freeze({ id, name, ggmlName, blockSize, typeSize, quantized }));
}

/** The type's layout, or undefined for an id ggml does not define (or has removed). */
export function ggmlTypeInfo(id: number): GgmlTypeInfo | undefined {
  return BY_ID.get(id);
}

/** Every defined type, in id order. */
export function allGgmlTypes(): GgmlTypeInfo[] {
  return [...BY_ID.values()].sort((a, b) => a.id - b.id);
}

/** `MXFP4` for 39; `type 4 (unknown)` for ids outside the table, so messages never print `undefined`. */
export function ggmlTypeName(id: number): string {
  return BY_ID.get(id)?.name ?? `type ${id} (unknown)`;
}

/** Element count of a shape (ne0 first); 1 for a scalar shape `[]`, as in ggml where absent dims are 1. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Bytes of a tensor's data (without alignment padding): ggml_nbytes for a contiguous tensor,
 * `elements / blockSize * typeSize`. Throws InputError for an unknown type, a ne0 that is not a whole number of
 * blocks, or a size past Number.MAX_SAFE_INTEGER; the reader checks these first and reports them as format errors.
 */
export function tensorByteSize(type: number, shape: readonly number[]): number {
  const info = BY_ID.get(type);
  if (info === undefined) throw badShape(`unknown ggml type id ${type}`, "use a GGML_TYPE value");
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw badShape(`bad dimension ${d} in shape [${shape.join(", ")}]`, "dimensions are whole numbers ≥ 0");
  }
  const ne0 = shape[0] ?? 1;
  if (ne0 % info.blockSize !== 0) {
    throw badShape(
      `ne0 = ${ne0} is not a multiple of ${info.name}'s block size ${info.blockSize}`,
      `the first dimension of a ${info.name} tensor is a multiple of ${info.blockSize}`,
    );
  }
  // BigInt so that the overflow check itself cannot lose precision.
  let blocks = BigInt(ne0 / info.blockSize);
  for (let i = 1; i < shape.length; i++) blocks *= BigInt(shape[i] as number);
  const bytes = blocks * BigInt(info.typeSize);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER))
    throw badShape(`tensor of ${bytes} bytes is too large`, "split it");
  return Number(bytes);
}

function badShape(message: string, hint: string): InputError {
  return new InputError(`tensorByteSize: ${message}`, { where: "tensorByteSize(type, shape)", hint });
}
