import { describe, expect, it } from "vitest";
import { mixedFloatBlocks, randomBytes, rng } from "../../../../test/support/codec-samples.js";
import {
  firstByteMismatch,
  firstFloatMismatch,
  ggmlRow,
  ggmlToFloat,
} from "../../../../test/support/libggml.js";
import { GGML_TYPE } from "../ggml-types.js";
import { MXFP4_BYTES, mxfp4Exponent } from "./mxfp4.js";
import { decodeTensor, encodeTensor } from "./tensor.js";

const MXFP4 = GGML_TYPE.MXFP4;

function ggmlQuantize(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / 32) * MXFP4_BYTES);
  ggmlRow("quantize_row_mxfp4_ref", values, out, values.length);
  return out;
}

function expectSameAsGgml(values: Float32Array): void {
  expect(firstByteMismatch(encodeTensor(MXFP4, values), ggmlQuantize(values), MXFP4_BYTES)).toBeUndefined();
}

describe("MXFP4", () => {
  it("decodes random blocks, every exponent byte included, bit-identically to ggml", () => {
    const bytes = randomBytes(39, 8192 * MXFP4_BYTES);
    for (let e = 0; e < 256; e++) bytes[e * MXFP4_BYTES] = e;
    const ours = decodeTensor(MXFP4, bytes);
    expect(firstFloatMismatch(ours, ggmlToFloat(MXFP4, bytes, ours.length), true)).toBeUndefined();
  });

  it("puts element j in the low nibble and j+16 in the high nibble of byte j", () => {
    const block = new Uint8Array(MXFP4_BYTES);
    block[0] = 128; // d = 2^0, so values are kvalues: 0 1 2 3 4 6 8 12, negated for codes 8..15
    block[1] = 0xf1; // element 0 → code 1 (1), element 16 → code 15 (-12)
    block[16] = 0x7a; // element 15 → code 10 (-2), element 31 → code 7 (12)
    const values = decodeTensor(MXFP4, block);
    expect([values[0], values[16], values[15], values[31]]).toEqual([1, -12, -2, 12]);
    expect(encodeTensor(MXFP4, values)).toEqual(block);
  });

  it("encodes mixed blocks byte-identically to quantize_row_mxfp4_ref", () => {
    expectSameAsGgml(mixedFloatBlocks(40, 16384, 32));
  });

  it("picks the exponent like floorf(log2f(amax)) next to every power of two, wrapping below 2^-125", () => {
    // For each float exponent, blocks whose amax is 2^k, the 40 floats just below it (where log2f rounds up to
    // k), and a few subnormals; the other 31 values sit on decision points of the block's grid.
    const amaxBits: number[] = [];
    for (let k = 1; k < 255; k++) for (let i = 0; i <= 40; i++) amaxBits.push((k << 23) - i);
    for (const sub of [1, 2, 3, 0x3fffff, 0x400000, 0x7fffff]) amaxBits.push(sub);
    const values = new Float32Array(amaxBits.length * 32);
    const bits = new Uint32Array(values.buffer);
    const next = rng(41);
    amaxBits.forEach((a, b) => {
      bits[b * 32] = a >>> 0;
      const amax = values[b * 32] as number;
      for (let j = 1; j < 32; j++) values[b * 32 + j] = (amax * ((next() % 25) - 12)) / 12;
    });
    expectSameAsGgml(values);
  });

  it("matches ggml on blocks of special values: zeros, -0, inf, NaN, max float, all equal", () => {
    const rows: ((j: number) => number)[] = [
      () => 0,
      () => -0,
      (j) => (j === 7 ? Infinity : j), // amax = inf: e = 0, every value ties at err = inf or picks by float error
      (j) => (j === 7 ? -Infinity : -j),
      (j) => (j === 7 ? Number.NaN : j * 0.25), // NaN is ignored for amax and maps to code 0
      () => Number.NaN,
      () => 3.4028235e38,
      (j) => (j % 2 ? -3.4028235e38 : 1),
      () => 0.3,
      () => -5,
      (j) => (j === 0 ? 2 ** -149 : 0),
      (j) => (j === 0 ? 6 : (j % 8) * 0.5 + 0.25), // midpoints of the value grid with d = 0.5
      (j) => (j === 0 ? -6 : -((j % 8) * 0.5 + 0.25)),
    ];
    const values = new Float32Array(rows.length * 32);
    rows.forEach((row, b) => {
      for (let j = 0; j < 32; j++) values[b * 32 + j] = row(j);
    });
    expectSameAsGgml(values);
  });

  it("reproduces decoded values when requantizing decoded blocks (only edits change them)", () => {
    const bytes = randomBytes(42, 4096 * MXFP4_BYTES);
    for (let b = 0; b < 4096; b++) bytes[b * MXFP4_BYTES] = 100 + (b % 50); // normal scales
    const values = decodeTensor(MXFP4, bytes);
    expect(firstFloatMismatch(decodeTensor(MXFP4, encodeTensor(MXFP4, values)), values)).toBeUndefined();
  });

  it("computes the exponent byte as ggml does for sample amax values", () => {
    expect(mxfp4Exponent(0)).toBe(0);
    expect(mxfp4Exponent(Number.NaN)).toBe(0);
    expect(mxfp4Exponent(Infinity)).toBe(0);
    expect(mxfp4Exponent(1)).toBe(125);
    expect(mxfp4Exponent(6)).toBe(127);
    expect(mxfp4Exponent(2 ** -149)).toBe(232); // wraps: (uint8_t)(-149 - 2 + 127)
  });
});
