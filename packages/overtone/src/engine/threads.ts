/**
 * How many CPU threads a model's context gets when the caller does not say: one per physical math core
 * (llama.cpp's own default), never node-llama-cpp's max(cores, 4), which oversubscribes small machines — on the
 * 2-core test machine 3 or 4 threads decode the tiny gpt-oss at 3 tok/s against 144 on 1 and 204 on 2.
 *
 * Measured with `npm run bench:engine` (prebuilt CPU binary, quiet machine): on one host 2 threads beat 1 for the
 * tiny model too (204 vs 144 tok/s decode), on another 1 beat 2 by 6× (585 vs 90): small models therefore get
 * their count measured at load (thread-probe.ts), and this rule is what larger ones use. Under heavy contention
 * from other processes 1 thread can win; the test suite, which runs many files at once, pins 1 thread for that
 * reason (test/support/llama.ts), and users can pass `threads`.
 */
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
  /** From `activeWeightBytes` (kept for diagnostics: the rule does not depend on it today). */
  activeBytes?: number | undefined;
}

/** The auto rule: one thread per physical math core. */
export function autoThreads(input: ThreadChoiceInput): number {
  return Math.max(1, Math.floor(input.cpuMathCores));
}
