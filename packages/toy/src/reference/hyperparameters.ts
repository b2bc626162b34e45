/**
 * gpt-oss hyperparameters read from GGUF metadata the way llama.cpp v0.5.0 reads them
 * (reference/gpt-oss-forward.md §1): the same keys, the same defaults for optional keys, and an error naming the
 * key where llama.cpp would refuse the file. Values llama.cpp keeps as `float` are rounded to float32 here too,
 * so the RoPE constants derived from them match.
 */
import { InputError } from "@overtone/errors";
import { type GgufMetadata, type GgufValue, plainValue } from "@overtone/gguf";

export const GPT_OSS_ARCHITECTURE = "gpt-oss";

/** Rope scaling types llama.cpp knows; `longrope` is not used by gpt-oss and not implemented here. */
export type RopeScalingType = "none" | "linear" | "yarn";

export interface RopeParameters {
  /** `rope.freq_base` (default 10000): base of the full-attention layers. */
  freqBase: number;
  /** `rope.freq_base_swa` (default freqBase): base of the sliding-window layers. */
  freqBaseSwa: number;
  /** `rope.scaling.type` (default "linear"). */
  scalingType: RopeScalingType;
  /** 1 / `rope.scaling.factor` (1 when absent, or when the type is "none"): full-attention layers. */
  freqScale: number;
  /** 1 / `rope.scaling.factor` for the sliding-window layers, which llama.cpp never resets for "none". */
  freqScaleSwa: number;
  /** `rope.scaling.original_context_length` (default context_length): YaRN's n_ctx_orig. */
  originalContext: number;
  /** `rope.scaling.attn_factor` (default 1): an extra factor on every rotated component. */
  attnFactor: number;
  /** llama.cpp's built-in YaRN betas (32 and 1): the GGUF's `yarn_beta_*` keys are not read for gpt-oss. */
  betaFast: number;
  betaSlow: number;
}

export interface GptOssHyperparameters {
  embd: number;
  layers: number;
  contextLength: number;
  heads: number;
  kvHeads: number;
  /** n_rot, which gpt-oss's graph also uses as the head size of q, k and v and in the score scale. */
  headDim: number;
  experts: number;
  expertsUsed: number;
  /** Expert feed-forward width (`expert_feed_forward_length`). */
  ff: number;
  slidingWindow: number;
  /** Per layer: does it use the sliding window? gpt-oss's default pattern is layers 0, 2, 4, … */
  swaLayers: readonly boolean[];
  rmsEpsilon: number;
  rope: RopeParameters;
}

const f32 = Math.fround;

/** Reads typed values from one file's metadata; errors name the file and the key. */
class MetadataReader {
  constructor(
    private readonly metadata: GgufMetadata,
    private readonly source: string,
  ) {}

  fail(key: string, message: string, hint: string): never {
    throw new InputError(`${this.source}: ${key}: ${message}`, { where: `${this.source}: ${key}`, hint });
  }

  value(key: string): GgufValue | undefined {
    return this.metadata.get(key);
  }

  /** A number; a per-layer array is accepted when every layer has the same value (all the reference needs). */
  number(key: string, fallback?: number): number {
    const v = this.metadata.get(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      this.fail(key, "missing", "llama.cpp requires this key for gpt-oss; write it into the GGUF");
    }
    const plain = plainValue(v);
    const values = Array.isArray(plain) ? plain : [plain];
    const first = values[0];
    if (typeof first !== "number" || !values.every((x) => x === first)) {
      this.fail(
        key,
        `expected a number, found ${JSON.stringify(plain).slice(0, 80)}`,
        "per-layer values must all be equal: the reference forward pass uses one value for every layer",
      );
    }
    return first;
  }

  count(key: string, fallback?: number, min = 1): number {
    const n = this.number(key, fallback);
    if (!Number.isInteger(n) || n < min) {
      this.fail(key, `${n} is not a whole number ≥ ${min}`, "fix the value in the GGUF metadata");
    }
    return n;
  }

  string(key: string, fallback: string): string {
    const v = this.metadata.get(key);
    if (v === undefined) return fallback;
    if (v.type !== "str") this.fail(key, `expected a string, found a ${v.type}`, "fix the value in the GGUF");
    return v.value;
  }
}

/**
 * Which layers slide: an array of per-layer flags, or a period `n` (layer `l` slides when `l % n < n − 1`,
 * all of them when n is 0); gpt-oss's default period is 2 (`llama_hparams::set_swa_pattern`, dense_first false).
 */
function swaPattern(read: MetadataReader, key: string, layers: number): boolean[] {
  const v = read.value(key);
  if (v?.type === "arr" && v.itemType === "bool") {
    return Array.from({ length: layers }, (_, l) => v.value[l] ?? false);
  }
  const period = read.count(key, 2, 0);
  return Array.from({ length: layers }, (_, l) => period === 0 || l % period < period - 1);
}

function ropeParameters(read: MetadataReader, a: (key: string) => string, contextLength: number) {
  const scalingType = read.string(a("rope.scaling.type"), "linear");
  if (scalingType !== "none" && scalingType !== "linear" && scalingType !== "yarn") {
    read.fail(
      a("rope.scaling.type"),
      `unsupported value "${scalingType}"`,
      "the reference forward pass implements none, linear and yarn (gpt-oss uses yarn)",
    );
  }
  const factor = read.number(a("rope.scaling.factor"), read.number(a("rope.scale_linear"), 0));
  const freqBase = f32(read.number(a("rope.freq_base"), 10000));
  const trainedScale = factor === 0 ? 1 : f32(1 / factor);
  return {
    freqBase,
    freqBaseSwa: f32(read.number(a("rope.freq_base_swa"), freqBase)),
    scalingType,
    // The context's scale is forced to 1 for "none" (llama-context.cpp:169-171); the SWA layers read the
    // trained value directly (llama-model.cpp:2255-2257).
    freqScale: scalingType === "none" ? 1 : trainedScale,
    freqScaleSwa: trainedScale,
    originalContext: read.count(a("rope.scaling.original_context_length"), contextLength),
    attnFactor: f32(read.number(a("rope.scaling.attn_factor"), 1)),
    betaFast: 32,
    betaSlow: 1,
  } satisfies RopeParameters;
}

/** The hyperparameters of a gpt-oss GGUF; `source` (a path) names the file in errors. */
export function readGptOssHyperparameters(metadata: GgufMetadata, source = "GGUF"): GptOssHyperparameters {
  const read = new MetadataReader(metadata, source);
  const arch = read.string("general.architecture", "");
  if (arch !== GPT_OSS_ARCHITECTURE) {
    throw new InputError(`${source}: general.architecture is "${arch}", not "${GPT_OSS_ARCHITECTURE}"`, {
      where: `${source}: general.architecture`,
      hint: "the reference forward pass implements gpt-oss only",
    });
  }
  const a = (key: string) => `${GPT_OSS_ARCHITECTURE}.${key}`;
  const embd = read.count(a("embedding_length"));
  const layers = read.count(a("block_count"));
  const contextLength = read.count(a("context_length"));
  const heads = read.count(a("attention.head_count"));
  const kvHeads = read.count(a("attention.head_count_kv"), heads);
  const keyLength = read.count(a("attention.key_length"), Math.floor(embd / heads));
  const headDim = read.count(a("rope.dimension_count"), keyLength);
  if (heads % kvHeads !== 0) {
    throw new InputError(`${source}: ${heads} heads cannot share ${kvHeads} KV heads`, {
      where: `${source}: ${a("attention.head_count_kv")}`,
      hint: "head_count must be a multiple of head_count_kv",
    });
  }
  const experts = read.count(a("expert_count"));
  const expertsUsed = read.count(a("expert_used_count"));
  if (expertsUsed > experts) {
    throw new InputError(`${source}: ${expertsUsed} experts used of ${experts}`, {
      where: `${source}: ${a("expert_used_count")}`,
      hint: "expert_used_count must not exceed expert_count",
    });
  }
  return {
    embd,
    layers,
    contextLength,
    heads,
    kvHeads,
    headDim,
    experts,
    expertsUsed,
    ff: read.count(a("expert_feed_forward_length")),
    slidingWindow: read.count(a("attention.sliding_window")),
    swaLayers: swaPattern(read, a("attention.sliding_window_pattern"), layers),
    rmsEpsilon: f32(read.number(a("attention.layer_norm_rms_epsilon"))),
    rope: ropeParameters(read, a, contextLength),
  };
}
