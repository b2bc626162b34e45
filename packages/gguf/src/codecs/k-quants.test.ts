import { describe, expect, it } from "vitest";
import { randomBytes } from "../../../../test/support/codec-samples.js";
import { firstFloatMismatch, ggmlToFloat } from "../../../../test/support/libggml.js";
import { GGML_TYPE } from "../ggml-types.js";
import { Q2_K_BYTES, Q3_K_BYTES, Q4_K_BYTES, Q5_K_BYTES, Q6_K_BYTES, QK_K } from "./k-quants.js";
import { decodeTensor } from "./tensor.js";

const BLOCKS = 1024;

describe.each([
  // name, type, bytes per super-block, byte offsets of its f16 fields
  ["Q2_K", GGML_TYPE.Q2_K, Q2_K_BYTES, [80, 82]],
  ["Q3_K", GGML_TYPE.Q3_K, Q3_K_BYTES, [108]],
  ["Q4_K", GGML_TYPE.Q4_K, Q4_K_BYTES, [0, 2]],
  ["Q5_K", GGML_TYPE.Q5_K, Q5_K_BYTES, [0, 2]],
  ["Q6_K", GGML_TYPE.Q6_K, Q6_K_BYTES, [208]],
])("%s", (_name, type, typeSize, f16Offsets) => {
  it("decodes random super-blocks (inf/NaN scales included) like ggml's to_float", () => {
    const bytes = randomBytes(type * 10, BLOCKS * typeSize);
    const ours = decodeTensor(type, bytes);
    expect(ours.length).toBe(BLOCKS * QK_K);
    expect(firstFloatMismatch(ours, ggmlToFloat(type, bytes, ours.length))).toBeUndefined();
  });

  it("decodes random super-blocks with finite scales bit-identically", () => {
    const bytes = randomBytes(type * 10 + 1, BLOCKS * typeSize);
    for (let b = 0; b < BLOCKS; b++) {
      for (const f of f16Offsets)
        bytes[b * typeSize + f + 1] = (bytes[b * typeSize + f + 1] as number) & 0xbf;
    }
    const ours = decodeTensor(type, bytes);
    expect(firstFloatMismatch(ours, ggmlToFloat(type, bytes, ours.length), true)).toBeUndefined();
  });

  it("decodes small-scale super-blocks (subnormal f16 scales) bit-identically", () => {
    const bytes = randomBytes(type * 10 + 2, BLOCKS * typeSize);
    for (let b = 0; b < BLOCKS; b++) {
      for (const f of f16Offsets)
        bytes[b * typeSize + f + 1] = (bytes[b * typeSize + f + 1] as number) & 0x83;
    }
    const ours = decodeTensor(type, bytes);
    expect(firstFloatMismatch(ours, ggmlToFloat(type, bytes, ours.length), true)).toBeUndefined();
  });
});

describe("K-quant layout", () => {
  it("Q4_K: first 32 values use scale pair 0 on low nibbles, next 32 pair 1 on high nibbles", () => {
    const block = new Uint8Array(Q4_K_BYTES);
    block[1] = 0x3c; // d = 1
    block[3] = 0x3c; // dmin = 1
    block[4] = 2; // scale 0 = 2
    block[5] = 3; // scale 1 = 3
    block[8] = 1; // min 0 = 1
    block[9] = 0; // min 1 = 0
    block[16] = 0x54; // qs[0]: low 4 → value 0 = 2*4-1, high 5 → value 32 = 3*5
    const v = decodeTensor(GGML_TYPE.Q4_K, block);
    expect([v[0], v[32], v[1], v[33]]).toEqual([7, 15, -1, 0]);
  });
});
