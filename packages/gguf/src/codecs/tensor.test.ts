import { GgufCodecError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { mixedFloatBlocks, randomBytes, rng } from "../../../../test/support/codec-samples.js";
import { firstFloatMismatch, ggmlTraits } from "../../../../test/support/libggml.js";
import { allGgmlTypes, GGML_TYPE } from "../ggml-types.js";
import {
  canDecode,
  canEncode,
  codecTypes,
  decodedElementCount,
  decodeMxfp4,
  decodeStream,
  decodeTensor,
  decodeTensorInto,
  encodedByteLength,
  encodeMxfp4,
  encodeQ8_0,
  encodeStream,
  encodeTensor,
  encodeTensorInto,
  TensorDecoder,
  tensorCodec,
} from "./index.js";

function thrown(fn: () => unknown): GgufCodecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GgufCodecError) return error;
    throw error;
  }
  throw new Error("expected a GgufCodecError");
}

/** Splits `data` at random points (empty pieces included). */
function pieces<T extends Uint8Array | Float32Array>(data: T, seed: number): T[] {
  const next = rng(seed);
  const out: T[] = [];
  let at = 0;
  while (at < data.length) {
    const len = Math.min(data.length - at, next() % 97);
    out.push(data.subarray(at, at + len) as T);
    at += len;
  }
  return out;
}

describe("codec registry", () => {
  it("decodes exactly the 14 promised types and encodes F32, F16, BF16, Q8_0, MXFP4", () => {
    expect(codecTypes().map((t) => tensorCodec(t)?.name)).toEqual([
      "F32",
      "F16",
      "Q4_0",
      "Q4_1",
      "Q5_0",
      "Q5_1",
      "Q8_0",
      "Q2_K",
      "Q3_K",
      "Q4_K",
      "Q5_K",
      "Q6_K",
      "BF16",
      "MXFP4",
    ]);
    const encodable = allGgmlTypes()
      .filter((t) => canEncode(t.id))
      .map((t) => t.name);
    expect(encodable).toEqual(["F32", "F16", "Q8_0", "BF16", "MXFP4"]);
    expect(canDecode(GGML_TYPE.IQ2_XXS)).toBe(false);
    expect(canDecode(4)).toBe(false);
    expect(canEncode(GGML_TYPE.Q4_K)).toBe(false);
  });

  it("agrees with libggml's type traits on block layout, and ggml can convert every type we do", () => {
    for (const t of codecTypes()) {
      const codec = tensorCodec(t);
      const traits = ggmlTraits(t);
      expect([codec?.blockSize, codec?.typeSize]).toEqual([traits.blockSize, traits.typeSize]);
      expect(traits.hasToFloat || t === GGML_TYPE.F32).toBe(true);
      if (canEncode(t) && t !== GGML_TYPE.F32) expect(traits.hasFromFloatRef).toBe(true);
    }
  });
});

describe("decodeTensor / encodeTensor", () => {
  it("rejects element counts that are not whole blocks, with the type, count and block size", () => {
    const err = thrown(() => encodeTensor(GGML_TYPE.MXFP4, new Float32Array(33)));
    expect(err.code).toBe("GGUF_CODEC");
    expect([err.typeName, err.what, err.found, err.limit]).toEqual(["MXFP4", "element count", 33, 32]);
    expect(thrown(() => decodeTensor(GGML_TYPE.Q8_0, new Uint8Array(68), 40)).found).toBe(40);
    expect(thrown(() => decodeTensor(GGML_TYPE.Q4_K, new Uint8Array(145))).what).toBe("byte length");
    expect(thrown(() => encodedByteLength(GGML_TYPE.Q6_K, 255)).limit).toBe(256);
    expect(thrown(() => decodeTensor(GGML_TYPE.F16, new Uint8Array(4), -2)).what).toBe("element count");
  });

  it("rejects missing codecs, short input and short output", () => {
    expect(thrown(() => decodeTensor(GGML_TYPE.IQ4_NL, new Uint8Array(18))).what).toBe("decoder");
    expect(thrown(() => encodeTensor(GGML_TYPE.Q4_0, new Float32Array(32))).message).toMatch(
      /Q4_0: no encoder/,
    );
    expect(thrown(() => decodeTensor(99, new Uint8Array(0))).typeName).toBe("type 99 (unknown)");
    const short = thrown(() => decodeTensor(GGML_TYPE.Q8_0, new Uint8Array(60), 64));
    expect([short.what, short.found, short.limit]).toEqual(["byte length", 60, 68]);
    expect(thrown(() => decodeTensorInto(GGML_TYPE.F16, new Uint8Array(8), new Float32Array(3))).limit).toBe(
      4,
    );
    expect(
      thrown(() => encodeTensorInto(GGML_TYPE.Q8_0, new Float32Array(32), new Uint8Array(33))).limit,
    ).toBe(34);
  });

  it("sizes: bytes ↔ elements", () => {
    expect(encodedByteLength(GGML_TYPE.MXFP4, 2880)).toBe(90 * 17);
    expect(decodedElementCount(GGML_TYPE.Q5_K, 176 * 3)).toBe(768);
    expect(encodedByteLength(GGML_TYPE.BF16, 7)).toBe(14);
  });

  it("decodes a prefix when given a count, and row by row into one reused buffer", () => {
    const bytes = randomBytes(5, 90 * 17 * 4); // 4 rows of 2880 MXFP4 values
    const whole = decodeMxfp4(bytes);
    expect(decodeTensor(GGML_TYPE.MXFP4, bytes, 64)).toEqual(whole.subarray(0, 64));
    const row = new Float32Array(2880);
    for (let r = 0; r < 4; r++) {
      decodeTensorInto(GGML_TYPE.MXFP4, bytes.subarray(r * 1530, (r + 1) * 1530), row);
      expect(firstFloatMismatch(row, whole.subarray(r * 2880, (r + 1) * 2880), true)).toBeUndefined();
    }
  });

  it("per-type functions equal the generic ones", () => {
    const values = mixedFloatBlocks(6, 16, 32);
    expect(encodeQ8_0(values)).toEqual(encodeTensor(GGML_TYPE.Q8_0, values));
    expect(encodeMxfp4(values)).toEqual(encodeTensor(GGML_TYPE.MXFP4, values));
  });
});

describe("streams", () => {
  it.each([GGML_TYPE.Q8_0, GGML_TYPE.MXFP4, GGML_TYPE.Q4_K, GGML_TYPE.F16])(
    "type %i: decoding chunks split anywhere equals decoding the whole",
    async (type) => {
      const codec = tensorCodec(type);
      const bytes = randomBytes(type, 40 * (codec?.typeSize ?? 0));
      const parts: Float32Array[] = [];
      for await (const part of decodeStream(type, pieces(bytes, type))) parts.push(part);
      const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        joined.set(p, at);
        at += p.length;
      }
      expect(new Uint32Array(joined.buffer)).toEqual(new Uint32Array(decodeTensor(type, bytes).buffer));
    },
  );

  it.each([GGML_TYPE.Q8_0, GGML_TYPE.MXFP4, GGML_TYPE.BF16])(
    "type %i: encoding chunks split anywhere equals encoding the whole",
    async (type) => {
      const values = mixedFloatBlocks(type, 40, 32);
      const parts: number[] = [];
      for await (const part of encodeStream(type, pieces(values, type))) parts.push(...part);
      expect(Uint8Array.from(parts)).toEqual(encodeTensor(type, values));
    },
  );

  it("reports a stream that ends inside a block", async () => {
    const decoder = new TensorDecoder(GGML_TYPE.Q8_0);
    expect(decoder.push(new Uint8Array(50)).length).toBe(32);
    expect(thrown(() => decoder.finish())).toMatchObject({ what: "partial block", found: 16, limit: 34 });
    const consume = async () => {
      for await (const _ of encodeStream(GGML_TYPE.MXFP4, [new Float32Array(40)])) {
        // drain
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(GgufCodecError);
  });
});
