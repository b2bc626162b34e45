import { describe, expect, it } from "vitest";
import { randomBytes } from "../../../../test/support/codec-samples.js";
import { firstFloatMismatch, ggmlToFloat } from "../../../../test/support/libggml.js";
import { GGML_TYPE } from "../ggml-types.js";
import { Q4_0_BYTES, Q4_1_BYTES, Q5_0_BYTES, Q5_1_BYTES } from "./legacy-quants.js";
import { decodeTensor } from "./tensor.js";

const BLOCKS = 4096;

/** Clears the top exponent bit of each f16 field so every scale is finite (no inf/NaN from the scales). */
function finiteScales(bytes: Uint8Array, typeSize: number, f16Fields: number): Uint8Array {
  for (let b = 0; b < bytes.length / typeSize; b++) {
    for (let f = 0; f < f16Fields; f++) {
      const hi = b * typeSize + 2 * f + 1;
      bytes[hi] = (bytes[hi] as number) & 0xbf;
    }
  }
  return bytes;
}

describe.each([
  ["Q4_0", GGML_TYPE.Q4_0, Q4_0_BYTES, 1],
  ["Q4_1", GGML_TYPE.Q4_1, Q4_1_BYTES, 2],
  ["Q5_0", GGML_TYPE.Q5_0, Q5_0_BYTES, 1],
  ["Q5_1", GGML_TYPE.Q5_1, Q5_1_BYTES, 2],
])("%s", (_name, type, typeSize, f16Fields) => {
  it("decodes random blocks (inf/NaN scales included) like ggml's to_float", () => {
    const bytes = randomBytes(type * 10, BLOCKS * typeSize);
    const ours = decodeTensor(type, bytes);
    expect(ours.length).toBe(BLOCKS * 32);
    expect(firstFloatMismatch(ours, ggmlToFloat(type, bytes, ours.length))).toBeUndefined();
  });

  it("decodes random blocks with finite scales bit-identically", () => {
    const bytes = finiteScales(randomBytes(type * 10 + 1, BLOCKS * typeSize), typeSize, f16Fields);
    const ours = decodeTensor(type, bytes);
    expect(firstFloatMismatch(ours, ggmlToFloat(type, bytes, ours.length), true)).toBeUndefined();
  });
});

describe("legacy quant layout", () => {
  it("Q4_0: nibble j is element j, high nibble element j+16, value (q-8)*d", () => {
    const block = new Uint8Array(Q4_0_BYTES);
    block[1] = 0x40; // d = 2.0
    block[2] = 0xf9; // element 0: 9-8 = 1, element 16: 15-8 = 7
    const v = decodeTensor(GGML_TYPE.Q4_0, block);
    expect([v[0], v[16], v[1]]).toEqual([2, 14, -16]);
  });

  it("Q5_1: qh bit j is the fifth bit of element j, value q*d + m", () => {
    const block = new Uint8Array(Q5_1_BYTES);
    block[1] = 0x3c; // d = 1
    block[3] = 0xbc; // m = -1
    block[4] = 0x01; // element 0 gets +16
    block[7] = 0x80; // bit 31: element 31 gets +16
    block[8] = 0x21; // element 0: 1 (+16), element 16: 2
    const v = decodeTensor(GGML_TYPE.Q5_1, block);
    expect([v[0], v[16], v[31], v[1]]).toEqual([16, 1, 15, -1]);
  });
});
