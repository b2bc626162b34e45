/**
 * A small, fast, seeded PRNG for model weights: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * 128-bit state, passes PractRand to 2^42+) seeded through splitmix32. Only 32-bit integer arithmetic is used —
 * no Math.random, no transcendental functions — so the same seed gives the same bits on every platform and
 * every Node version, which is what makes a tiny model's file byte-identical from run to run.
 *
 * Weights are uniform rather than normal for the same reason (a Box–Muller transform would need log/cos, whose
 * last bit is not specified across engines); a random-weight test model needs a scale, not a bell curve.
 */

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit counter, used only to expand seeds into state. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of `text`: a stable 32-bit id for a named stream (e.g. a tensor name). */
export function hashName(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** √3 as a literal, so no platform's sqrt rounding can enter the weights. */
const SQRT3 = 1.7320508075688772;

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * `seed` is any integer in 0..2^32-1; `stream` picks an independent sequence for the same seed (a tensor
   * gets `hashName(name)`), so tensors can be generated in any order, or lazily, with the same result.
   */
  constructor(seed: number, stream = 0) {
    let s = splitmix32(seed >>> 0);
    s = splitmix32(s ^ (stream >>> 0));
    this.a = s;
    this.b = splitmix32(s + 1);
    this.c = splitmix32(s + 2);
    this.d = 1;
    // Discard the first outputs: sfc32 needs a few rounds to decorrelate from nearby seeds.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /**
   * Fill `out` with values uniform in [-a, a) where a = std·√3, i.e. mean 0 and standard deviation `std`.
   * Every value is a multiple of 2^-31 times `a`, so the float32 rounding is the same everywhere.
   */
  fillUniform(out: Float32Array, std: number): void {
    const scale = (std * SQRT3) / 2147483648;
    for (let i = 0; i < out.length; i++) out[i] = ((this.nextU32() | 0) + 0.5) * scale;
  }
}
