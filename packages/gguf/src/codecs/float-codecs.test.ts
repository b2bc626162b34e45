import { describe, expect, it } from "vitest";
import {
  EDGE_FLOAT_BITS,
  floatsFromBits,
  mixedFloatBlocks,
  randomBytes,
} from "../../../../test/support/codec-samples.js";
import {
  firstByteMismatch,
  firstFloatMismatch,
  ggmlFromFloatRef,
  ggmlToFloat,
  ggmlTraits,
} from "../../../../test/support/libggml.js";
import { GGML_TYPE } from "../ggml-types.js";
import { decodeTensor, encodeTensor, encodeTensorInto } from "./tensor.js";

const N = 1 << 16;

/** The same bytes at an odd byte offset, to exercise the unaligned (byte-wise) paths. */
function atOddOffset(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length + 1);
  copy.set(bytes, 1);
  return copy.subarray(1);
}

describe.each([
  ["F16", GGML_TYPE.F16],
  ["BF16", GGML_TYPE.BF16],
])("%s", (_name, type) => {
  it("decodes random 16-bit patterns bit-identically to ggml's to_float (NaN payloads included)", () => {
    const bytes = randomBytes(type, 2 * N);
    const ref = ggmlToFloat(type, bytes, N);
    expect(firstFloatMismatch(decodeTensor(type, bytes), ref, true)).toBeUndefined();
    expect(firstFloatMismatch(decodeTensor(type, atOddOffset(bytes)), ref, true)).toBeUndefined();
  });

  it("encodes mixed floats and edge values byte-identically to ggml's from_float_ref", () => {
    const mixed = mixedFloatBlocks(type + 100, N / 32, 32);
    const edges = floatsFromBits(EDGE_FLOAT_BITS);
    for (const values of [mixed, edges]) {
      const ref = ggmlFromFloatRef(type, values, 2 * values.length);
      expect(firstByteMismatch(encodeTensor(type, values), ref, 2)).toBeUndefined();
    }
  });

  it("encodes into an unaligned output the same bytes", () => {
    const values = mixedFloatBlocks(type + 200, 64, 32);
    const out = new Uint8Array(2 * values.length + 1);
    encodeTensorInto(type, values, out.subarray(1));
    expect(out.subarray(1)).toEqual(encodeTensor(type, values));
  });
});

describe("F32", () => {
  it("has no ggml to_float (it is the identity), so decoding copies bit patterns exactly", () => {
    expect(ggmlTraits(GGML_TYPE.F32).hasToFloat).toBe(false);
    const bytes = randomBytes(3, 4 * N);
    const expected = new Float32Array(bytes.slice().buffer);
    expect(firstFloatMismatch(decodeTensor(GGML_TYPE.F32, bytes), expected, true)).toBeUndefined();
    expect(
      firstFloatMismatch(decodeTensor(GGML_TYPE.F32, atOddOffset(bytes)), expected, true),
    ).toBeUndefined();
  });

  it("encodes to the little-endian bytes of the values, NaN payloads kept", () => {
    const values = floatsFromBits(EDGE_FLOAT_BITS);
    const bytes = encodeTensor(GGML_TYPE.F32, values);
    expect(bytes).toEqual(new Uint8Array(values.buffer));
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0, 0x80]);
  });
});
