/**
 * Tensor bytes made on demand, chunk by chunk, for `writeGguf`'s stream factories: a 200k-row embedding is
 * generated and encoded 64 Ki values at a time, so making a model needs a few hundred KB of memory whatever its
 * size. Each tensor draws from its own PRNG stream (seed × tensor name), so its bytes do not depend on the
 * order tensors are written in, and an F16 and an MXFP4 model of the same seed hold the same underlying values.
 */
import { encodeTensorInto, ggmlTypeInfo } from "@overtone/gguf";
import type { TinyTensorSpec } from "./gpt-oss-tensors.js";
import { hashName, SeededRandom } from "./seeded-random.js";

/** Values per chunk: a multiple of every block size used here (32 for MXFP4). */
export const TENSOR_CHUNK_VALUES = 1 << 16;

function elementsOf(spec: TinyTensorSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

/** The tensor's encoded bytes as an async stream; every call starts again from the same state. */
export function tensorStream(spec: TinyTensorSpec, seed: number): () => AsyncIterable<Uint8Array> {
  const info = ggmlTypeInfo(spec.type);
  if (info === undefined) throw new RangeError(`unknown ggml type ${spec.type} for ${spec.name}`);
  const total = elementsOf(spec);
  return async function* () {
    const random = new SeededRandom(seed, hashName(spec.name));
    const values = new Float32Array(Math.min(TENSOR_CHUNK_VALUES, total));
    for (let done = 0; done < total; ) {
      const n = Math.min(values.length, total - done);
      const chunk = n === values.length ? values : values.subarray(0, n);
      if (spec.fill.kind === "constant") chunk.fill(spec.fill.value);
      else {
        random.fillUniform(chunk, spec.fill.std);
        const mean = spec.fill.mean ?? 0;
        if (mean !== 0) for (let i = 0; i < n; i++) chunk[i] = (chunk[i] as number) + mean;
      }
      // A fresh buffer per chunk: the writer may keep a reference until it flushes.
      const out = new Uint8Array((n / info.blockSize) * info.typeSize);
      yield encodeTensorInto(spec.type, chunk, out);
      done += n;
    }
  };
}

/** The whole tensor in memory (tests and small tensors only). */
export async function tensorBytes(spec: TinyTensorSpec, seed: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of tensorStream(spec, seed)()) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}
