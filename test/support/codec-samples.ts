/**
 * Seeded test data for the GGUF codec tests: random bytes, and float blocks of many kinds (ordinary weights,
 * rounding ties, all-equal, subnormal, huge, inf and NaN) so that every branch of ggml's quantizers is reached.
 * Seeded, so a failure names data that can be regenerated.
 */

/** mulberry32: a small, fast, seedable 32-bit generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function randomBytes(seed: number, n: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = next() & 0xff;
  return out;
}

/** Float32 values from bit patterns (keeps NaN payloads). */
export function floatsFromBits(bits: readonly number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits, (b) => b >>> 0).buffer);
}

/** Bit patterns every float codec must get right, one case per line. */
// biome-ignore format: one line per case reads better than one value per line
export const EDGE_FLOAT_BITS: readonly number[] = [
  0x00000000, 0x80000000, // ±0
  0x00000001, 0x80000001, 0x007fffff, 0x807fffff, // smallest and largest subnormals
  0x00800000, 0x80800000, // smallest normal
  0x33000000, 0x33000001, 0x337fffff, // f16: 2^-25 (tie to 0) and just above
  0x387fe000, 0x387ff000, 0x38800000, // f16 subnormal/normal boundary
  0x3f800000, 0xbf800000, 0x3f801000, 0x3f803000, 0x3f800fff, 0x3f801001, // 1 and f16 ties around it
  0x3f808000, 0x3f818000, // bf16 ties
  0x477fe000, 0x477fefff, 0x477ff000, 0xc77ff000, 0x47800000, // 65504, below 65520, 65520 (→ inf), 65536
  0x7f7fffff, 0xff7fffff, 0x7f7f8000, // max float, bf16 overflow tie
  0x7f800000, 0xff800000, // ±inf
  0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fa00000, 0x7fffffff, 0x7f802000, // quiet and signalling NaNs
];

function gaussian(next: () => number): number {
  const u = (next() + 1) / 4294967297;
  const v = next() / 4294967296;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * `blocks` blocks of `blockSize` floats, each block of a kind chosen at random: weights at a random scale,
 * integers and half-integers times a power of two (quantizer ties), random bit patterns, one repeated value,
 * edge values, a lone value among zeros, subnormals, values near float max, and values near the MXFP4 grid
 * midpoints (1.5, 2.5, 3.5, 5, 7, 10 times the scale).
 */
export function mixedFloatBlocks(seed: number, blocks: number, blockSize: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(blocks * blockSize);
  const bits = new Uint32Array(out.buffer);
  const MIDPOINTS = [0.5, 1.5, 2.5, 3.5, 5, 7, 10, 12, 6, 4];
  for (let b = 0; b < blocks; b++) {
    const o = b * blockSize;
    const kind = next() % 10;
    const scale = 2 ** ((next() % 60) - 30);
    for (let j = 0; j < blockSize; j++) {
      const sign = next() & 1 ? -1 : 1;
      switch (kind) {
        case 0:
          out[o + j] = gaussian(next) * scale;
          break;
        case 1:
          out[o + j] = (sign * (next() % 255)) / 2;
          break;
        case 2:
          bits[o + j] = next();
          break;
        case 3:
          out[o + j] = j === 0 ? gaussian(next) * scale : (out[o] as number);
          break;
        case 4:
          bits[o + j] = EDGE_FLOAT_BITS[next() % EDGE_FLOAT_BITS.length] as number;
          break;
        case 5:
          out[o + j] = j === next() % blockSize ? sign * scale : 0;
          break;
        case 6:
          bits[o + j] = ((next() & 0x80000000) | (next() & 0x7fffff)) >>> 0; // subnormal
          break;
        case 7:
          out[o + j] = sign * 3.4e38 * (next() / 4294967296);
          break;
        default: {
          // MXFP4 decision points m*d (d = scale/2, pinned by x[0] = 12d), give or take one ulp.
          const m = MIDPOINTS[next() % MIDPOINTS.length] as number;
          out[o + j] = sign * m * scale * 0.5;
          const nudge = (next() % 3) - 1;
          bits[o + j] = ((bits[o + j] as number) + nudge) >>> 0;
          if (j === 0) out[o] = 12 * scale * 0.5; // pins amax (so d) for the block
        }
      }
    }
  }
  return out;
}
