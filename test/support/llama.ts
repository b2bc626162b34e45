/**
 * Real llama.cpp (through node-llama-cpp) for integration tests, with CPU settings that are fast on a small
 * machine. node-llama-cpp's default is max(cores, 4) threads; on 2 cores the prebuilt binary's threadpool then
 * runs ~150× slower (reference/engine-node-llama-cpp.md §3.4), so every context here gets 1 or 2 threads.
 *
 * Vitest runs each test file in its own process (pool "forks"), so the module-level caches below make a model
 * load once per test file; call `disposeTestLlama()` in `afterAll` to release it.
 */
import {
  getLlama,
  type Llama,
  type LlamaContext,
  LlamaLogLevel,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";

/** At most what a 2-core CI runner has. */
export const TEST_MAX_THREADS = 2;

let llama: Promise<Llama> | undefined;
const models = new Map<string, Promise<LlamaModel>>();

/** Warnings and errors that llama.cpp logged (its per-token info chatter is dropped). */
export const llamaLog: string[] = [];

/** The process's Llama: CPU only, never builds from source (it would take minutes), at most 2 threads. */
export function testLlama(): Promise<Llama> {
  llama ??= getLlama({
    gpu: false,
    build: "never",
    maxThreads: TEST_MAX_THREADS,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.warn) llamaLog.push(message);
    },
  });
  return llama;
}

/** Load a model once per test file (the 201k-token vocabulary makes a load cost about a second). */
export function loadTestModel(modelPath: string): Promise<LlamaModel> {
  let model = models.get(modelPath);
  if (model === undefined) {
    model = testLlama().then((l) => l.loadModel({ modelPath }));
    model.catch(() => models.delete(modelPath));
    models.set(modelPath, model);
  }
  return model;
}

export interface TestContextOptions {
  /** 1 (default: fastest for tiny models on CPU) or 2. */
  threads?: number;
  contextSize?: number;
  /** false for exact comparisons: the flash path casts K and V to F16 (default: node-llama-cpp's "auto"). */
  flashAttention?: boolean;
  /** KV cache element type; F32 for exact comparisons (default: F16). */
  kvCacheType?: "F16" | "F32";
}

/** A small context with a fixed thread count; dispose it when done (or let `disposeTestLlama` do it). */
export function createTestContext(
  model: LlamaModel,
  options: TestContextOptions = {},
): Promise<LlamaContext> {
  return model.createContext({
    contextSize: options.contextSize ?? 512,
    threads: { ideal: options.threads ?? 1, min: 1 },
    ...(options.flashAttention === undefined ? {} : { flashAttention: options.flashAttention }),
    ...(options.kvCacheType === undefined
      ? {}
      : {
          experimentalKvCacheKeyType: options.kvCacheType,
          experimentalKvCacheValueType: options.kvCacheType,
        }),
  });
}

/**
 * llama.cpp's raw logits at every position of `tokens`, evaluated as one batch from position 0 in a fresh
 * context made with `options`: row t (`subarray(t·V, (t+1)·V)`, V = `vocabSize`) predicts the token after
 * tokens[t]. Entries llama.cpp did not return stay NaN, so a comparison cannot pass over them.
 */
export async function logitsAtEveryPosition(
  model: LlamaModel,
  tokens: readonly number[],
  vocabSize: number,
  options: TestContextOptions = {},
): Promise<Float32Array> {
  const context = await createTestContext(model, options);
  try {
    const results = await context
      .getSequence()
      .controlledEvaluate(tokens.map((t) => [t as Token, { generateNext: { logits: true } }] as const));
    const out = new Float32Array(tokens.length * vocabSize).fill(Number.NaN);
    results.forEach((result, t) => {
      for (const [id, logit] of result?.next.logits ?? []) out[t * vocabSize + id] = logit;
    });
    return out;
  } finally {
    await context.dispose();
  }
}

/** Release every model and the Llama (in `afterAll`). */
export async function disposeTestLlama(): Promise<void> {
  const loaded = [...models.values()];
  models.clear();
  for (const m of loaded) await (await m.catch(() => undefined))?.dispose();
  const l = llama;
  llama = undefined;
  await (await l?.catch(() => undefined))?.dispose();
}
