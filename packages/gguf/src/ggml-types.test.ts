import { InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { ggmlTraits, itLibggml } from "../../../test/support/libggml-gguf.js";
import {
  allGgmlTypes,
  GGML_TYPE,
  GGML_TYPE_COUNT,
  ggmlTypeInfo,
  ggmlTypeName,
  tensorByteSize,
} from "./ggml-types.js";

describe("the ggml type table", () => {
  itLibggml("matches ggml_blck_size / ggml_type_size / ggml_type_name for every id", () => {
    for (let id = 0; id < GGML_TYPE_COUNT + 2; id++) {
      const ours = ggmlTypeInfo(id);
      if (id >= GGML_TYPE_COUNT) {
        expect(ours, `id ${id}`).toBeUndefined();
        continue;
      }
      const theirs = ggmlTraits(id);
      if (theirs.blockSize === 0) {
        // Removed types (4, 5, 31–33, 36–38): ggml cannot size them, so neither do we.
        expect(ours, `removed id ${id}`).toBeUndefined();
        continue;
      }
      expect(ours, `id ${id}`).toMatchObject({
        blockSize: theirs.blockSize,
        typeSize: theirs.typeSize,
        ggmlName: theirs.name,
      });
    }
  });

  it("has the ids gpt-oss needs", () => {
    expect(GGML_TYPE.MXFP4).toBe(39);
    expect(GGML_TYPE.BF16).toBe(30);
    expect(ggmlTypeInfo(39)).toMatchObject({ name: "MXFP4", blockSize: 32, typeSize: 17, quantized: true });
    expect(ggmlTypeInfo(0)).toMatchObject({ name: "F32", blockSize: 1, typeSize: 4, quantized: false });
    expect(allGgmlTypes().map((t) => t.id)).toEqual(
      [...allGgmlTypes().map((t) => t.id)].sort((a, b) => a - b),
    );
  });

  it("names unknown ids without printing undefined", () => {
    expect(ggmlTypeName(14)).toBe("Q6_K");
    expect(ggmlTypeName(4)).toBe("type 4 (unknown)");
  });
});

describe("tensorByteSize", () => {
  it("is blocks × bytes per block", () => {
    expect(tensorByteSize(GGML_TYPE.F32, [3, 2])).toBe(24);
    expect(tensorByteSize(GGML_TYPE.F16, [2880])).toBe(5760);
    // gpt-oss-20b ffn_up_exps: {2880, 2880, 32} in MXFP4 = 90 blocks per row × 17 bytes.
    expect(tensorByteSize(GGML_TYPE.MXFP4, [2880, 2880, 32])).toBe(90 * 17 * 2880 * 32);
    expect(tensorByteSize(GGML_TYPE.Q6_K, [512, 4])).toBe(2 * 210 * 4);
    expect(tensorByteSize(GGML_TYPE.F32, [])).toBe(4);
    expect(tensorByteSize(GGML_TYPE.F32, [0, 7])).toBe(0);
  });

  it("rejects a row that is not whole blocks, unknown types and huge sizes", () => {
    expect(() => tensorByteSize(GGML_TYPE.Q8_0, [33])).toThrow(/multiple of Q8_0's block size 32/);
    expect(() => tensorByteSize(4, [32])).toThrow(/unknown ggml type id 4/);
    expect(() => tensorByteSize(GGML_TYPE.F32, [2 ** 30, 2 ** 30])).toThrow(/too large/);
    expect(() => tensorByteSize(GGML_TYPE.F32, [-1])).toThrow(/bad dimension/);
    expect(() => tensorByteSize(4, [32])).toThrow(InputError);
  });
});
