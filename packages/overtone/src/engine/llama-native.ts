/**
 * A direct binding (koffi) to the libllama that node-llama-cpp ships, for what its JavaScript API does not
 * expose: llama.cpp's evaluation callback (`cb_eval`), which hands over graph tensors such as the residual
 * stream `l_out-N` while a batch is computed. Used by residual-capture.ts.
 *
 * Struct layouts follow include/llama.h of the llama.cpp source node-llama-cpp builds its binary from
 * (node_modules/node-llama-cpp/llama/llama.cpp, release in llama.cpp.info.json) field by field. Defaults come
 * from llama_model_default_params()/llama_context_default_params() by value, and callers change only the
 * fields they need, so a field we do not touch keeps llama.cpp's own default.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ConfigError } from "@overtone/errors";
import koffi from "koffi";

export const ModelParams = koffi.struct("overtone_llama_model_params", {
  devices: "void *",
  tensor_buft_overrides: "void *",
  n_gpu_layers: "int32",
  split_mode: "int32",
  load_mode: "int32",
  lazy_mode: "int32",
  main_gpu: "int32",
  tensor_split: "void *",
  progress_callback: "void *",
  progress_callback_user_data: "void *",
  kv_overrides: "void *",
  vocab_only: "bool",
  check_tensors: "bool",
  use_extra_bufts: "bool",
  no_host: "bool",
  no_alloc: "bool",
  load_mtp: "bool",
});

/** `bool (*ggml_backend_sched_eval_callback)(struct ggml_tensor * t, bool ask, void * user_data)` */
export const EvalCallback = koffi.proto(
  "bool overtone_ggml_eval_callback(void *t, bool ask, void *user_data)",
);

export const ContextParams = koffi.struct("overtone_llama_context_params", {
  n_ctx: "uint32",
  n_batch: "uint32",
  n_ubatch: "uint32",
  n_seq_max: "uint32",
  n_rs_seq: "uint32",
  n_outputs_max: "uint32",
  n_outputs_max_per_seq: "uint32",
  n_threads: "int32",
  n_threads_batch: "int32",
  ctx_type: "int32",
  rope_scaling_type: "int32",
  pooling_type: "int32",
  attention_type: "int32",
  flash_attn_type: "int32",
  rope_freq_base: "float",
  rope_freq_scale: "float",
  yarn_ext_factor: "float",
  yarn_attn_factor: "float",
  yarn_beta_fast: "float",
  yarn_beta_slow: "float",
  yarn_orig_ctx: "uint32",
  defrag_thold: "float",
  cb_eval: "void *",
  cb_eval_user_data: "void *",
  type_k: "int32",
  type_v: "int32",
  abort_callback: "void *",
  abort_callback_data: "void *",
  embeddings: "bool",
  offload_kqv: "bool",
  no_perf: "bool",
  op_offload: "bool",
  swa_full: "bool",
  kv_unified: "bool",
  samplers: "void *",
  n_samplers: "size_t",
  ctx_other: "void *",
});

export const Batch = koffi.struct("overtone_llama_batch", {
  n_tokens: "int32",
  token: "void *",
  embd: "void *",
  pos: "void *",
  n_seq_id: "void *",
  seq_id: "void *",
  logits: "void *",
});

/** The head of `struct ggml_tensor` (ggml.h): enough to check a tensor's type and shape. */
export const TensorHead = koffi.struct("overtone_ggml_tensor_head", {
  type: "int32",
  buffer: "void *",
  ne: koffi.array("int64", 4),
});

const LogCallback = koffi.proto(
  "void overtone_ggml_log_callback(int level, const char *text, void *user_data)",
);

export const GGML_TYPE_F32 = 0;
export const LLAMA_FLASH_ATTN_TYPE_DISABLED = 0;

export type Pointer = unknown;
export interface LlamaBatch {
  n_tokens: number;
  token: Pointer;
  embd: Pointer;
  pos: Pointer;
  n_seq_id: Pointer;
  seq_id: Pointer;
  logits: Pointer;
}

/** The functions used, typed loosely at the boundary: koffi passes pointers as opaque values. */
export interface LlamaLibrary {
  dir: string;
  modelDefaultParams: () => Record<string, unknown>;
  contextDefaultParams: () => Record<string, unknown>;
  loadModel: (path: string, params: Record<string, unknown>) => Pointer;
  initContext: (model: Pointer, params: Record<string, unknown>) => Pointer;
  nLayer: (model: Pointer) => number;
  nEmbd: (model: Pointer) => number;
  batchInit: (tokens: number, embd: number, seqMax: number) => LlamaBatch;
  batchFree: (batch: LlamaBatch) => void;
  decode: (ctx: Pointer, batch: LlamaBatch) => number;
  memory: (ctx: Pointer) => Pointer;
  memoryClear: (memory: Pointer, data: boolean) => void;
  freeContext: (ctx: Pointer) => void;
  freeModel: (model: Pointer) => void;
  tensorName: (t: Pointer) => string;
  tensorBytes: (t: Pointer) => number;
  tensorGet: (t: Pointer, data: Float32Array, offset: number, size: number) => void;
  /** Runs `body` with llama.cpp's log going to `sink` instead of stderr, then puts the previous logger back. */
  withLog: <T>(sink: (level: number, text: string) => void, body: () => T) => T;
}

/** `${platform}-${arch}` → node-llama-cpp's prebuilt CPU package (as its own loader names them). */
const PREBUILT: Readonly<Record<string, string>> = {
  "darwin-arm64": "mac-arm64-metal",
  "darwin-x64": "mac-x64",
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "win32-x64": "win-x64",
  "win32-arm64": "win-arm64",
};

/**
 * The folder of node-llama-cpp's prebuilt CPU libraries for this platform, found from node-llama-cpp itself
 * (its prebuilt package is its dependency, so it need not be hoisted next to ours).
 */
function prebuiltDir(): string {
  const name = `@node-llama-cpp/${PREBUILT[`${process.platform}-${process.arch}`] ?? `${process.platform}-${process.arch}`}`;
  let bins: string;
  try {
    // createRequire, not import.meta.resolve: the latter is missing under some loaders (vitest's).
    const fromNodeLlamaCpp = createRequire(createRequire(import.meta.url).resolve("node-llama-cpp"));
    bins = join(dirname(fromNodeLlamaCpp.resolve(name)), "..", "bins");
  } catch {
    return join("node_modules", name, "bins"); // not installed: findLibrary names the folder and the fix
  }
  const holdsLlama = (f: string) => readdirSync(join(bins, f)).some((file) => LLAMA_FILE.test(file));
  const folder = existsSync(bins) ? readdirSync(bins).find(holdsLlama) : undefined;
  return folder === undefined ? bins : join(bins, folder);
}

function findLibrary(dir: string, stem: RegExp, what: string): string {
  const name = existsSync(dir) ? readdirSync(dir).find((f) => stem.test(f)) : undefined;
  if (name === undefined) {
    throw new ConfigError(`no ${what} library in ${dir}`, {
      where: dir,
      hint:
        "residual capture loads the llama.cpp libraries node-llama-cpp ships; reinstall node-llama-cpp's prebuilt " +
        "package for this platform (npm ci), or pass libraryDir pointing at a folder with libllama and libggml",
    });
  }
  return join(dir, name);
}

const LLAMA_FILE = /^(lib)?llama(\.v[\d.]+)?\.(so|dylib|dll)$/;

let loaded: LlamaLibrary | undefined;

/** Loads libllama (+ libggml, libggml-base) once per process and registers ggml's CPU backend. */
export function llamaLibrary(libraryDir?: string): LlamaLibrary {
  if (loaded !== undefined) return loaded;
  const dir = libraryDir ?? process.env.OVERTONE_LLAMA_LIB_DIR ?? prebuiltDir();
  const base = koffi.load(findLibrary(dir, /^(lib)?ggml-base\.(so|dylib|dll)$/, "ggml-base"));
  const ggml = koffi.load(findLibrary(dir, /^(lib)?ggml(\.v[\d.]+)?\.(so|dylib|dll)$/, "ggml"));
  const llama = koffi.load(findLibrary(dir, LLAMA_FILE, "llama"));

  const logGet = llama.func("void llama_log_get(_Out_ void **cb, _Out_ void **data)") as (
    cb: unknown[],
    data: unknown[],
  ) => void;
  const logSet = llama.func("void llama_log_set(void *cb, void *data)") as (
    cb: unknown,
    data: unknown,
  ) => void;
  // llama_log_set also sets ggml's logger. The previous one (node-llama-cpp's, when it runs in this process) is
  // put back after each call, so its log is not lost for good.
  const withLog: LlamaLibrary["withLog"] = (sink, body) => {
    const previous: unknown[] = [null];
    const previousData: unknown[] = [null];
    logGet(previous, previousData);
    // Registered (not transient): llama.cpp keeps the pointer until it is replaced below. Logging happens on
    // this thread while loading and freeing; a log line from a worker thread would wait for the event loop.
    const ours = koffi.register(
      (level: number, text: string) => sink(level, text),
      koffi.pointer(LogCallback),
    );
    logSet(ours, null);
    try {
      return body();
    } finally {
      logSet(previous[0], previousData[0]);
      koffi.unregister(ours);
    }
  };

  // Backends (the CPU variants are separate .so files chosen by CPU features) are registered once per process;
  // node-llama-cpp may already have done it through the same library, and a second load would add a second CPU
  // device.
  const devCount = ggml.func("size_t ggml_backend_dev_count(void)") as () => number;
  const loadAll = ggml.func("void ggml_backend_load_all_from_path(const char *dir)") as (d: string) => void;
  withLog(
    () => {},
    () => {
      if (Number(devCount()) === 0) loadAll(dir);
      (llama.func("void llama_backend_init(void)") as () => void)();
    },
  );

  loaded = {
    dir,
    modelDefaultParams: llama.func("llama_model_default_params", ModelParams, []),
    contextDefaultParams: llama.func("llama_context_default_params", ContextParams, []),
    loadModel: llama.func("llama_model_load_from_file", "void *", ["const char *", ModelParams]),
    initContext: llama.func("llama_init_from_model", "void *", ["void *", ContextParams]),
    nLayer: llama.func("int32 llama_model_n_layer(void *model)"),
    nEmbd: llama.func("int32 llama_model_n_embd(void *model)"),
    batchInit: llama.func("llama_batch_init", Batch, ["int32", "int32", "int32"]),
    batchFree: llama.func("llama_batch_free", "void", [Batch]),
    decode: llama.func("llama_decode", "int32", ["void *", Batch]),
    memory: llama.func("void *llama_get_memory(void *ctx)"),
    memoryClear: llama.func("void llama_memory_clear(void *memory, bool data)"),
    freeContext: llama.func("void llama_free(void *ctx)"),
    freeModel: llama.func("void llama_model_free(void *model)"),
    tensorName: base.func("const char *ggml_get_name(void *t)"),
    tensorBytes: base.func("size_t ggml_nbytes(void *t)"),
    tensorGet: ggml.func(
      "void ggml_backend_tensor_get(void *t, _Out_ float *data, size_t offset, size_t size)",
    ),
    withLog,
  };
  return loaded;
}
