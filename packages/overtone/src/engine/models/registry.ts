/**
 * The gpt-oss models Overtone knows by name, with what they need in memory (issue 15, field report 003: an app
 * that picks a model must know before a 12 GB download whether it will run). Used by `overtone models recommend`
 * and by the fallback check every embedded command makes before resolving (and maybe downloading) its model.
 *
 * Memory needed at a context of N tokens = weights + KV cache + compute margin:
 * - weights: the GGUF's size (llama.cpp maps the file; every byte is read while generating).
 * - KV cache: llama.cpp's default F16 cache holds K and V, kvHeads × headDim values each, per token per layer:
 *   2 × kvHeads × headDim × 2 bytes (gpt-oss-20b/120b: 2 × 8 × 64 × 2 = 2,048 bytes). gpt-oss alternates layers
 *   (layer il is sliding-window when il % 2 == 0: reference/gpt-oss-forward.md, llama-hparams.cpp): the full-
 *   attention half keeps all N tokens, the sliding-window half only window + one batch (llama.cpp's iSWA cache
 *   sizes it min(N, n_swa + n_ubatch); node-llama-cpp's `swaFullCache` defaults to false, so that applies).
 *   gpt-oss-20b at 16,384 tokens: 12 × 2,048 × 16,384 + 12 × 2,048 × 640 ≈ 0.42 GB.
 * - compute margin: llama.cpp's compute buffer, dominated by one batch of logits (512 × vocabulary × 4 bytes,
 *   0.41 GB for gpt-oss's 201,088 tokens), plus 256 MiB for the runtime itself (Node alone is ~150 MB). An
 *   estimate, on the safe side: for the toy at 16,384 tokens it says 0.80 GB, and `overtone run --model toy`
 *   peaked at 0.64 GB of resident memory here (GNU time, 1 thread, llama.cpp on the CPU).
 *
 * Sizes (decimal GB as Hugging Face shows them; sources beside each entry). Every gpt-oss GGUF keeps the expert
 * tensors in MXFP4 as released, so other quantisations barely shrink the file (reference/backends.md §6,
 * ggml-org/llama.cpp#15153; bartowski's model card says the same): the "next model down" of a 20b is a few
 * hundred MB smaller, and the real step down is from 120b to 20b.
 */

/** The shape facts the KV cache depends on (from OpenAI's config.json, as reference/surgery.md quotes it). */
export interface ModelShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  slidingWindow: number;
  vocab: number;
}

export interface RegistryEntry {
  /** Short name shown and accepted by `overtone models recommend` (`gpt-oss-20b`, `gpt-oss-20b-q4_k_m`). */
  name: string;
  /** What `--model` takes to get it. */
  ref: string;
  quant: string;
  sizeBytes: number;
  shape: ModelShape;
  /** A real gpt-oss (false: the toy and tiny models, which are for trying Overtone, not for work). */
  real: boolean;
  /**
   * Why `recommend` and the fallback never pick it, when they do not (`--model NAME` still runs it if it can):
   * a file Overtone cannot fetch yet, or a larger variant of the default that is listed for its facts.
   */
  notPicked?: string;
  source: string;
}

/** gpt-oss-20b: 24 layers, 8 KV heads of 64; 120b: 36 layers, the same attention (config.json). */
const GPT_OSS_20B: ModelShape = { layers: 24, kvHeads: 8, headDim: 64, slidingWindow: 128, vocab: 201_088 };
const GPT_OSS_120B: ModelShape = { ...GPT_OSS_20B, layers: 36 };

/**
 * Largest first: `recommend` picks the first pickable entry that fits; the fallback, the first after the chosen
 * model that fits ("the next model down").
 */
export const MODEL_REGISTRY: readonly RegistryEntry[] = Object.freeze([
  {
    name: "gpt-oss-120b",
    ref: "hf:ggml-org/gpt-oss-120b-GGUF/gpt-oss-120b-mxfp4-00001-of-00003.gguf",
    quant: "MXFP4",
    // llama-bench: "gpt-oss 120B MXFP4 MoE | 59.02 GiB" (reference/backends.md §7) = 63.4 GB.
    sizeBytes: 63_370_000_000,
    shape: GPT_OSS_120B,
    real: true,
    notPicked: "published as a 3-part split GGUF, which Overtone cannot download yet",
    source: "https://huggingface.co/ggml-org/gpt-oss-120b-GGUF",
  },
  {
    name: "gpt-oss-20b-f16",
    ref: "hf:unsloth/gpt-oss-20b-GGUF/gpt-oss-20b-F16.gguf",
    quant: "F16 (experts MXFP4)",
    sizeBytes: 13_800_000_000,
    shape: GPT_OSS_20B,
    real: true,
    notPicked:
      "the same MXFP4 experts as gpt-oss-20b, F16 for the other tensors, 1.7 GB more: the default file is preferred",
    source: "https://huggingface.co/unsloth/gpt-oss-20b-GGUF/tree/main",
  },
  {
    name: "gpt-oss-20b",
    ref: "hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf",
    quant: "MXFP4",
    // llama-bench: "gpt-oss 20B MXFP4 MoE | 11.27 GiB" (reference/backends.md §7) = 12.1 GB, as HF lists it.
    sizeBytes: 12_100_000_000,
    shape: GPT_OSS_20B,
    real: true,
    source: "https://huggingface.co/ggml-org/gpt-oss-20b-GGUF",
  },
  {
    name: "gpt-oss-20b-q4_k_m",
    ref: "hf:unsloth/gpt-oss-20b-GGUF/gpt-oss-20b-Q4_K_M.gguf",
    quant: "Q4_K_M (experts MXFP4)",
    sizeBytes: 11_600_000_000,
    shape: GPT_OSS_20B,
    real: true,
    source: "https://huggingface.co/unsloth/gpt-oss-20b-GGUF/tree/main",
  },
  {
    name: "toy",
    ref: "toy",
    quant: "F32/MXFP4",
    sizeBytes: 117_667_968, // data/models/toy-gpt-oss.json
    shape: { layers: 2, kvHeads: 4, headDim: 16, slidingWindow: 128, vocab: 201_088 },
    real: false,
    source: "shipped with Overtone (data/models/toy-gpt-oss.json)",
  },
  {
    name: "tiny",
    ref: "tiny",
    quant: "F16/MXFP4",
    sizeBytes: 64_574_016, // made by @overtone/makers with TINY_GPT_OSS_DEFAULTS
    shape: { layers: 2, kvHeads: 2, headDim: 16, slidingWindow: 128, vocab: 201_088 },
    real: false,
    source: "made here (random weights)",
  },
]);

/**
 * The context the embedded engine makes unless told otherwise: load-model.ts's DEFAULT_CONTEXT_SIZE (a test
 * checks they agree; not imported, so the CLI can plan without loading the engine's modules).
 */
export const PLAN_CONTEXT = 16_384;

/** llama.cpp's micro-batch (node-llama-cpp's default batchSize), which the SWA cache and logits buffer hold. */
export const UBATCH = 512;
/** The runtime's own share of the compute margin (Node, llama.cpp's graph and allocator slack). */
const RUNTIME_BYTES = 256 * 2 ** 20;

/** KV bytes one token takes in one layer: K and V, F16. */
export function kvBytesPerTokenPerLayer(shape: ModelShape): number {
  return 2 * shape.kvHeads * shape.headDim * 2;
}

/** The KV cache at `context` tokens: full-attention layers hold them all, sliding-window ones window + batch. */
export function kvCacheBytes(shape: ModelShape, context: number): number {
  const swaLayers = Math.ceil(shape.layers / 2); // layers 0, 2, 4, …
  const fullLayers = shape.layers - swaLayers;
  const swaCells = Math.min(context, shape.slidingWindow + UBATCH);
  return kvBytesPerTokenPerLayer(shape) * (fullLayers * context + swaLayers * swaCells);
}

export interface MemoryNeed {
  weights: number;
  kvCache: number;
  compute: number;
  total: number;
}

export function memoryNeeded(entry: Pick<RegistryEntry, "sizeBytes" | "shape">, context: number): MemoryNeed {
  const kvCache = kvCacheBytes(entry.shape, context);
  const compute = Math.min(UBATCH, context) * entry.shape.vocab * 4 + RUNTIME_BYTES;
  return { weights: entry.sizeBytes, kvCache, compute, total: entry.sizeBytes + kvCache + compute };
}

/** The entry a `--model` value names, by registry name or by the reference (aliases already expanded). */
export function registryEntry(model: string, canonicalRef?: string): RegistryEntry | undefined {
  return MODEL_REGISTRY.find((e) => e.name === model || e.ref === model || e.ref === canonicalRef);
}
