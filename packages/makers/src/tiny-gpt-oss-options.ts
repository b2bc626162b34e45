/**
 * Options of a tiny gpt-oss model, their defaults, and the checks that keep a model loadable by llama.cpp.
 * The defaults give a ~65 MB file (two layers of width 64; almost all of the size is the 201,088-row token
 * embedding and output matrices) that llama.cpp loads in about a second; the fixed hyperparameters (RoPE
 * base, YaRN factor, RMS epsilon) are real gpt-oss's, so the graph llama.cpp builds is gpt-oss's.
 */
import { InputError } from "@overtone/errors";

export const EXPERTS_TYPES = ["mxfp4", "f16", "f32"] as const;
export type ExpertsType = (typeof EXPERTS_TYPES)[number];

/** Type of the dense matrices (embedding, output, attention). F32 everywhere is what an exact comparison needs. */
export const DENSE_TYPES = ["f16", "f32"] as const;
export type DenseType = (typeof DENSE_TYPES)[number];

/** `harmony`: the official gpt-oss template; `chatml`: the wrong one of field report 000; `none`: no key. */
export const TINY_TEMPLATES = ["harmony", "chatml", "none"] as const;
export type TinyTemplate = (typeof TINY_TEMPLATES)[number];

export interface TinyGptOssShape {
  layers: number;
  /** n_embd, the residual width. */
  embd: number;
  experts: number;
  expertsUsed: number;
  heads: number;
  kvHeads: number;
  /** Per-head dimension (also the RoPE dimension count, as in gpt-oss). */
  headDim: number;
  /** Expert feed-forward width (`expert_feed_forward_length`). */
  ff: number;
  contextLength: number;
  /** Window of the sliding-window layers (0, 2, 4, …). */
  slidingWindow: number;
}

/**
 * How far the weights stray from neutral. The defaults (all neutral) give a tame random model; a forward-pass
 * check wants the opposite — every bias, sink and norm doing something, and swiglu_oai's ±7 clamps engaged.
 */
export interface TinyWeightFills {
  /** Std of uniform random biases (q/k/v/output, router, experts); 0 writes zero biases. */
  biasStd: number;
  /** Std of uniform random attention sinks around 0; 0 writes neutral sinks (NEUTRAL_SINK), not zeros. */
  sinkStd: number;
  /** Std of uniform random RMSNorm weights around 1; 0 writes ones. */
  normStd: number;
  /** Multiplies the std of the expert gate and up matrices; about 5 drives pre-activations past ±7. */
  gateUpScale: number;
}

export interface ResolvedTinyGptOss extends TinyGptOssShape, TinyWeightFills {
  /** 0..2^32-1; the same seed and options give a byte-identical file. */
  seed: number;
  expertsType: ExpertsType;
  denseType: DenseType;
  template: TinyTemplate;
}

export type TinyGptOssOptions = Partial<ResolvedTinyGptOss>;

export const TINY_GPT_OSS_DEFAULTS: Readonly<ResolvedTinyGptOss> = Object.freeze({
  seed: 1,
  expertsType: "mxfp4",
  template: "harmony",
  layers: 2,
  embd: 64,
  experts: 4,
  expertsUsed: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  ff: 64,
  contextLength: 131072,
  slidingWindow: 128,
  denseType: "f16",
  biasStd: 0,
  sinkStd: 0,
  normStd: 0,
  gateUpScale: 1,
});

/** Upper limits: llama.cpp's LLAMA_MAX_LAYERS / LLAMA_MAX_EXPERTS, and widths far past any test model. */
export const TINY_LIMITS: Readonly<Record<keyof TinyGptOssShape | "seed", readonly [number, number]>> = {
  seed: [0, 0xffffffff],
  layers: [1, 512],
  embd: [1, 16384],
  experts: [1, 1024],
  expertsUsed: [1, 1024],
  heads: [1, 1024],
  kvHeads: [1, 1024],
  headDim: [2, 1024],
  ff: [1, 65536],
  contextLength: [1, 1 << 24],
  slidingWindow: [1, 1 << 24],
};

/** Limits of the real-valued fill options. */
export const TINY_FILL_LIMITS: Readonly<Record<keyof TinyWeightFills, readonly [number, number]>> = {
  biasStd: [0, 100],
  sinkStd: [0, 100],
  normStd: [0, 100],
  gateUpScale: [0.001, 1000],
};

/** MXFP4 blocks hold 32 values along ne0, which is embd for gate/up and ff for down. */
const MXFP4_BLOCK = 32;

function fail(option: string, message: string, hint: string): never {
  throw new InputError(`${option}: ${message}`, { where: option, hint });
}

/** Fill in defaults and check every value; throws InputError naming the option. */
export function resolveTinyGptOssOptions(options: TinyGptOssOptions = {}): ResolvedTinyGptOss {
  const r: ResolvedTinyGptOss = { ...TINY_GPT_OSS_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && key in r) (r as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, [min, max]] of Object.entries(TINY_LIMITS)) {
    const v = r[key as keyof typeof TINY_LIMITS];
    if (!Number.isInteger(v) || v < min || v > max) {
      fail(
        key,
        `${JSON.stringify(v)} is not an integer in ${min}..${max}`,
        `pass a whole number from ${min} to ${max}`,
      );
    }
  }
  for (const [key, [min, max]] of Object.entries(TINY_FILL_LIMITS)) {
    const v = r[key as keyof TinyWeightFills];
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
      fail(
        key,
        `${JSON.stringify(v)} is not a number in ${min}..${max}`,
        `pass a finite number from ${min} to ${max}`,
      );
    }
  }
  if (!(DENSE_TYPES as readonly string[]).includes(r.denseType)) {
    fail(
      "denseType",
      `unknown value ${JSON.stringify(r.denseType)}`,
      `use one of: ${DENSE_TYPES.join(", ")}`,
    );
  }
  if (!(EXPERTS_TYPES as readonly string[]).includes(r.expertsType)) {
    fail(
      "expertsType",
      `unknown value ${JSON.stringify(r.expertsType)}`,
      `use one of: ${EXPERTS_TYPES.join(", ")}`,
    );
  }
  if (!(TINY_TEMPLATES as readonly string[]).includes(r.template)) {
    fail(
      "template",
      `unknown value ${JSON.stringify(r.template)}`,
      `use one of: ${TINY_TEMPLATES.join(", ")}`,
    );
  }
  if (r.expertsUsed > r.experts) {
    fail(
      "expertsUsed",
      `${r.expertsUsed} is more than the ${r.experts} experts`,
      "use at most as many as experts",
    );
  }
  if (r.heads % r.kvHeads !== 0) {
    fail("kvHeads", `${r.heads} heads cannot be shared by ${r.kvHeads} KV heads`, "use a divisor of heads");
  }
  if (r.headDim % 2 !== 0)
    fail("headDim", `${r.headDim} is odd`, "NEOX RoPE rotates pairs: use an even size");
  if (r.expertsType === "mxfp4") {
    for (const key of ["embd", "ff"] as const) {
      if (r[key] % MXFP4_BLOCK !== 0) {
        fail(
          key,
          `${r[key]} is not a multiple of 32`,
          "MXFP4 stores blocks of 32 values: use a multiple of 32, or f16 experts",
        );
      }
    }
  }
  return r;
}
