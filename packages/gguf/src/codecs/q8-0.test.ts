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
  ggmlRow,
  ggmlToFloat,
} from "../../../../test/support/libggml.js";
import { GGML_TYPE } from "../ggml-types.js";
import { Q8_0_BYTES } from "./q8-0.js";
import { decodeTensor, encodeTensor } from "./tensor.js";

const Q8_0 = GGML_TYPE.Q8_0;

function ggmlQuantize(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / 32) * Q8_0_BYTES);
  ggmlRow("quantize_row_q8_0_ref", values, out, values.length);
  return out;
}

/** One block per row of 32 values given as a generator of the index. */
function blocks(...rows: ((j: number) => number)[]): Float32Array {
  const out = new Float32Array(rows.length * 32);
  rows.forEach((row, b) => {
    for (let j = 0; j < 32; j++) out[b * 32 + j] = row(j);
  });
  return out;
}

describe("Q8_0", () => {
  it("decodes random blocks (any f16 scale, inf and NaN included) like ggml", () => {
    const bytes = randomBytes(80, 4096 * Q8_0_BYTES);
    const ours = decodeTensor(Q8_0, bytes);
    expect(firstFloatMismatch(ours, ggmlToFloat(Q8_0, bytes, ours.length))).toBeUndefined();
  });

  it("decodes random blocks with finite scales like ggml", () => {
    const bytes = randomBytes(81, 4096 * Q8_0_BYTES);
    for (let b = 0; b < 4096; b++) bytes[b * Q8_0_BYTES + 1] = (bytes[b * Q8_0_BYTES + 1] as number) & 0xbb;
    const ours = decodeTensor(Q8_0, bytes);
    expect(firstFloatMismatch(ours, ggmlToFloat(Q8_0, bytes, ours.length))).toBeUndefined();
  });

  it("encodes mixed blocks byte-identically to quantize_row_q8_0_ref", () => {
    const values = mixedFloatBlocks(82, 8192, 32);
    expect(firstByteMismatch(encodeTensor(Q8_0, values), ggmlQuantize(values), Q8_0_BYTES)).toBeUndefined();
  });

  it("encodes edge blocks byte-identically: zeros, ties, all-equal, tiny, huge, inf, NaN first/middle/last", () => {
    const edges = floatsFromBits(EDGE_FLOAT_BITS);
    const edge = (j: number) => edges[j % edges.length] as number;
    const values = blocks(
      () => 0,
      () => -0,
      (j) => (j === 0 ? 127 : j - 15.5), // d = 1: every x.5 is a roundf tie (away from zero)
      (j) => (j === 0 ? -127 : (j % 7) + 0.5),
      () => 0.1,
      () => -3e38,
      (j) => (j % 2 ? 65504 * 127 : -1), // d overflows f16 to inf
      (j) => (j === 3 ? 1e-40 : 0), // d subnormal: 1/d = inf
      (j) => (j === 3 ? 2 ** -140 : 2 ** -149),
      (j) => (j === 5 ? Infinity : j),
      (j) => (j === 0 ? Number.NaN : j), // NaN first: amax is reset by later values
      (j) => (j === 16 ? Number.NaN : j - 16),
      (j) => (j === 31 ? Number.NaN : j), // NaN last: amax stays NaN
      (j) => (j === 31 ? -Infinity : Number.NaN),
      edge,
      (j) => edge(j + 32),
    );
    expect(firstByteMismatch(encodeTensor(Q8_0, values), ggmlQuantize(values), Q8_0_BYTES)).toBeUndefined();
  });

  it("rounds x / d half away from zero and stores d = amax / 127 as f16", () => {
    const values = blocks((j) => (j === 0 ? 127 : j === 1 ? 2.5 : j === 2 ? -2.5 : 0));
    const bytes = encodeTensor(Q8_0, values);
    expect(Array.from(bytes.subarray(0, 5))).toEqual([0x00, 0x3c, 127, 3, 0xfd]);
    expect(Array.from(decodeTensor(Q8_0, bytes).subarray(0, 3))).toEqual([127, 3, -3]);
  });
});
