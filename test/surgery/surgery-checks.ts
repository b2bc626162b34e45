/** Checks shared by the surgery tests: seeded directions, tensor hashes, MXFP4's rounding bound. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { decodeTensor } from "@overtone/gguf";
import { type GgufFile, openGguf } from "@overtone/gguf/node";

export const EMBD = 64;

/** A seeded vector in [-1, 1) (an LCG: the tests need the same numbers every run, not good ones). */
export function seeded(seed: number, n: number): Float32Array {
  let a = seed;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 2 ** 31 - 1;
  });
}

export function tensorHashes(file: GgufFile, bytes: Buffer): Map<string, string> {
  return new Map(
    file.tensors.map((t) => [
      t.name,
      createHash("sha256")
        .update(bytes.subarray(t.absoluteOffset, t.absoluteOffset + t.bytes))
        .digest("hex"),
    ]),
  );
}

export async function hashesOf(path: string): Promise<Map<string, string>> {
  const file = await openGguf(path);
  try {
    return tensorHashes(file, readFileSync(path));
  } finally {
    await file.close();
  }
}

/** direction.1 with half its components kept (sparsity 0.5), normalised: what the MXFP4 test ablates. */
export function sparseDirection(): Float32Array {
  const raw = seeded(1, EMBD);
  const order = [...raw.keys()].sort((a, b) => Math.abs(raw[b] as number) - Math.abs(raw[a] as number));
  const kept = new Float32Array(EMBD);
  for (const i of order.slice(0, EMBD / 2)) kept[i] = raw[i] as number;
  const norm = Math.hypot(...kept);
  return kept.map((x) => x / norm);
}

/** ‖r̂ᵀE‖ (what is left), ‖E‖ and the format's bound on ‖E‖, E = the written tensor − the exact F32 edit. */
export async function mxfp4Bound(base: string, edited: string, name: string, r: Float32Array) {
  const [fa, fb] = [await openGguf(base), await openGguf(edited)];
  const info = fa.tensor(name);
  const w = decodeTensor(info.type, await fa.readTensorData(name));
  const out = decodeTensor(info.type, await fb.readTensorData(name));
  await Promise.all([fa.close(), fb.close()]);
  const [cols, rows, experts] = info.shape as [number, number, number];
  let left = 0;
  let error = 0;
  let format = 0;
  for (let e = 0; e < experts; e++) {
    const base0 = e * rows * cols;
    const u = new Float64Array(cols);
    for (let m = 0; m < rows; m++)
      for (let j = 0; j < cols; j++)
        u[j] = (u[j] as number) + (r[m] as number) * (w[base0 + m * cols + j] as number);
    const residue = new Float64Array(cols);
    for (let m = 0; m < rows; m++) {
      const exact = Array.from(
        { length: cols },
        (_, j) => (w[base0 + m * cols + j] as number) - (r[m] as number) * (u[j] as number),
      );
      for (let j = 0; j < cols; j++) {
        const diff = (out[base0 + m * cols + j] as number) - (exact[j] as number);
        error += diff * diff;
        residue[j] = (residue[j] as number) + (r[m] as number) * diff;
      }
      if (r[m] === 0) continue; // a row left alone keeps its bytes: no rounding
      for (let b = 0; b < cols; b += 32) {
        const amax = Math.max(...exact.slice(b, b + 32).map(Math.abs));
        format += 32 * (amax / 3) ** 2;
      }
    }
    for (const x of residue) left += x * x;
  }
  return { left: Math.sqrt(left), error: Math.sqrt(error), format: Math.sqrt(format) };
}
