/**
 * How many CPU threads a model's context gets when the caller does not say.
 *
 * Decoding one token reads every active weight once, so the work per token is about the bytes of weights it
 * touches (token_embd is a row lookup, not a matmul; of the expert tensors only the used share is read). When
 * that work is small, ggml's threadpool spends as long handing each op to its workers and waiting for them as
 * the op takes, so extra threads buy nothing or cost a lot. `bench/engine-threads.bench.ts`, on the 2-core test
 * machine: the tiny gpt-oss (25 MiB per token) decodes as fast on 1 thread as on 2 (119 vs 120 tok/s, under
 * other engineers' load; 457–526 vs 69–83 tok/s on a quiet machine, reference/engine-node-llama-cpp.md §3.4),
 * while an 8-layer width-512 one (213 MiB per token) gains from both cores (22 → 34 tok/s decode, 535 → 773
 * prefill). Real models (gpt-oss-20b reads ~2 GB per token) want llama.cpp's own default: one thread per
 * physical math core. The 64 MiB limit sits between the two measured sizes.
 */
/** Below this many bytes of weights read per token, one thread wins (see the file comment). */
export const SMALL_MODEL_ACTIVE_BYTES = 64 * 1024 * 1024;

/** A tensor's name and data size, as the GGUF reader gives them. */
export interface TensorSize {
  name: string;
  bytes: number;
}

/**
 * Bytes of weights one decoded token reads: every tensor but the embedding table, with mixture-of-experts
 * tensors (`*_exps`) counted at `used / count`.
 */
export function activeWeightBytes(
  tensors: readonly TensorSize[],
  experts: { count?: number; used?: number } = {},
): number {
  const share =
    experts.count !== undefined && experts.used !== undefined && experts.count > 0
      ? Math.min(1, experts.used / experts.count)
      : 1;
  let total = 0;
  for (const tensor of tensors) {
    if (tensor.name.startsWith("token_embd.")) continue;
    total += tensor.name.includes("_exps.") ? tensor.bytes * share : tensor.bytes;
  }
  return total;
}

export interface ThreadChoiceInput {
  /** Physical cores that do math (node-llama-cpp's `cpuMathCores`, llama.cpp's `cpu_get_num_math`). */
  cpuMathCores: number;
  /** From `activeWeightBytes`; undefined when unknown (then the core count is used). */
  activeBytes: number | undefined;
}

/** The auto rule: 1 thread for small models, else one per physical math core. */
export function autoThreads(input: ThreadChoiceInput): number {
  const cores = Math.max(1, Math.floor(input.cpuMathCores));
  if (input.activeBytes !== undefined && input.activeBytes < SMALL_MODEL_ACTIVE_BYTES) return 1;
  return cores;
}
