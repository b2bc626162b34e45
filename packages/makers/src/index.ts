/**
 * `@overtone/makers`: make real gpt-oss GGUF files — the gpt-oss architecture, the o200k_harmony vocabulary, a
 * chosen chat template — with small seeded weights (`makeTinyGptOss`), and the pieces a trainer needs to write
 * its own (`gptOssMetadata`, `gptOssTensorPlan`, the vocabulary, the seeded PRNG). The list below is the public
 * API; the tensor byte streams, llama.cpp's file-type and token-type codes and the vocabulary's special ids are
 * internal.
 */

// The errors this layer throws (all of them: @overtone/overtone/errors).
export {
  ConfigError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
} from "@overtone/errors";
export { GPT_OSS_ARCH, GPT_OSS_FIXED, gptOssMetadata } from "./gpt-oss-metadata.js";
export { gptOssTensorPlan, parameterCount, type TinyTensorSpec, type WeightFill } from "./gpt-oss-tensors.js";
export { GPT_OSS_VOCAB_SIZE, type GptOssVocab, loadGptOssVocab } from "./gpt-oss-vocab.js";
export {
  type MakeTinyGptOssOptions,
  type MakeTinyGptOssResult,
  makeTinyGptOss,
  tinyTemplateText,
} from "./make-tiny-gpt-oss.js";
export { type MakeTinyLlamaResult, makeTinyLlama, type TinyLlamaOptions } from "./make-tiny-llama.js";
export { hashName, SeededRandom } from "./seeded-random.js";
export {
  DENSE_TYPES,
  type DenseType,
  EXPERTS_TYPES,
  type ExpertsType,
  type ResolvedTinyGptOss,
  resolveTinyGptOssOptions,
  TINY_FILL_LIMITS,
  TINY_GPT_OSS_DEFAULTS,
  TINY_LIMITS,
  TINY_TEMPLATES,
  type TinyGptOssOptions,
  type TinyGptOssShape,
  type TinyTemplate,
  type TinyWeightFills,
} from "./tiny-gpt-oss-options.js";
