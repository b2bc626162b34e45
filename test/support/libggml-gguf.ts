/**
 * libggml's own GGUF code (gguf.cpp in the libggml-base.so that node-llama-cpp ships), reached through koffi.
 * Tests use it as ground truth: `readWithLibggml` is what llama.cpp sees when it opens a file, and
 * `writeWithLibggml` produces files exactly as llama.cpp tools write them. Tests only — the library never
 * loads native code. A missing library fails the first call, saying how to install it (libggml-location.ts);
 * tests skip only where node-llama-cpp has no prebuilt binary (`NO_LIBGGML`, re-exported here).
 */
import koffi from "koffi";
import { describe, it } from "vitest";
import type { GgufArray, GgufValue } from "../../packages/gguf/src/gguf-values.js";
import { GGUF_VALUE_TYPE, ggufValueTypeName } from "../../packages/gguf/src/gguf-values.js";
import { libggmlPath, NO_LIBGGML, oracleTitle } from "./libggml-location.js";

export { NO_LIBGGML } from "./libggml-location.js";

/** `describe` for tests that need libggml: skipped, saying why in its title, only where none can exist. */
export function describeLibggml(title: string, body: () => void): void {
  describe.skipIf(NO_LIBGGML !== undefined)(oracleTitle(title), body);
}

/** `it` for a test that needs libggml: skipped, saying why in its title, only where none can exist. */
export function itLibggml(title: string, body: () => unknown, timeout?: number): void {
  it.skipIf(NO_LIBGGML !== undefined)(oracleTitle(title), body, timeout);
}

type Fn = (...args: unknown[]) => unknown;

function bind() {
  const lib = koffi.load(libggmlPath());
  const InitParams = koffi.struct("gguf_init_params_t", { no_alloc: "bool", ctx: "void *" });
  const GgmlInitParams = koffi.struct("ggml_init_params_t", {
    mem_size: "size_t",
    mem_buffer: "void *",
    no_alloc: "bool",
  });
  const f = (sig: string) => lib.func(sig) as Fn;
  const getters: Record<string, Fn> = {};
  for (const [name, c] of [
    ["u8", "uint8_t"],
    ["i8", "int8_t"],
    ["u16", "uint16_t"],
    ["i16", "int16_t"],
    ["u32", "uint32_t"],
    ["i32", "int32_t"],
    ["f32", "float"],
    ["u64", "uint64_t"],
    ["i64", "int64_t"],
    ["f64", "double"],
    ["bool", "bool"],
    ["str", "const char *"],
  ] as const) {
    getters[name] = f(`${c} gguf_get_val_${name}(void *ctx, int64_t id)`);
    if (name !== "str")
      getters[`set_${name}`] = f(`void gguf_set_val_${name}(void *ctx, const char *key, ${c} v)`);
  }
  getters.set_str = f("void gguf_set_val_str(void *ctx, const char *key, const char *v)");
  // Silence ggml's stderr log: the fuzz tests make it print every refusal.
  const LogCallback = koffi.proto("void ggml_log_cb(int level, const char *text, void *user)");
  const quiet = koffi.register(() => undefined, koffi.pointer(LogCallback));
  (lib.func("void ggml_log_set(ggml_log_cb *cb, void *user)") as Fn)(quiet, null);
  return {
    initFromFile: lib.func("void *gguf_init_from_file(const char *fname, gguf_init_params_t params)") as Fn,
    InitParams,
    free: f("void gguf_free(void *ctx)"),
    version: f("uint32_t gguf_get_version(void *ctx)"),
    alignment: f("size_t gguf_get_alignment(void *ctx)"),
    dataOffset: f("size_t gguf_get_data_offset(void *ctx)"),
    nKv: f("int64_t gguf_get_n_kv(void *ctx)"),
    key: f("const char *gguf_get_key(void *ctx, int64_t id)"),
    kvType: f("int gguf_get_kv_type(void *ctx, int64_t id)"),
    arrType: f("int gguf_get_arr_type(void *ctx, int64_t id)"),
    arrN: f("size_t gguf_get_arr_n(void *ctx, int64_t id)"),
    arrData: f("const void *gguf_get_arr_data(void *ctx, int64_t id)"),
    arrStr: f("const char *gguf_get_arr_str(void *ctx, int64_t id, size_t i)"),
    nTensors: f("int64_t gguf_get_n_tensors(void *ctx)"),
    tensorName: f("const char *gguf_get_tensor_name(void *ctx, int64_t id)"),
    tensorOffset: f("size_t gguf_get_tensor_offset(void *ctx, int64_t id)"),
    tensorType: f("int gguf_get_tensor_type(void *ctx, int64_t id)"),
    tensorSize: f("size_t gguf_get_tensor_size(void *ctx, int64_t id)"),
    tensorNe: f("const int64_t *gguf_get_tensor_ne(void *ctx, int64_t id)"),
    getters,
    initEmpty: f("void *gguf_init_empty()"),
    setArrData: f("void gguf_set_arr_data(void *ctx, const char *key, int type, const void *data, size_t n)"),
    setArrStr: f("void gguf_set_arr_str(void *ctx, const char *key, const char **data, size_t n)"),
    addTensor: f("void gguf_add_tensor(void *ctx, void *tensor)"),
    writeToFile: f("bool gguf_write_to_file(void *ctx, const char *fname, bool only_meta)"),
    ggmlInit: lib.func("void *ggml_init(ggml_init_params_t params)") as Fn,
    GgmlInitParams,
    ggmlFree: f("void ggml_free(void *ctx)"),
    newTensor: f("void *ggml_new_tensor(void *ctx, int type, int n_dims, const int64_t *ne)"),
    setName: f("void *ggml_set_name(void *tensor, const char *name)"),
    getData: f("void *ggml_get_data(void *tensor)"),
    blckSize: f("int64_t ggml_blck_size(int type)"),
    typeSize: f("size_t ggml_type_size(int type)"),
    typeName: f("const char *ggml_type_name(int type)"),
  };
}

let cached: ReturnType<typeof bind> | undefined;
function ggml(): ReturnType<typeof bind> {
  cached ??= bind();
  return cached;
}

/** ggml's own type traits for a type id. */
export function ggmlTraits(id: number): { blockSize: number; typeSize: number; name: string } {
  const g = ggml();
  return {
    blockSize: Number(g.blckSize(id)),
    typeSize: Number(g.typeSize(id)),
    name: g.typeName(id) as string,
  };
}

export interface LibggmlView {
  version: number;
  alignment: number;
  dataOffset: number;
  metadata: Map<string, GgufValue>;
  tensors: { name: string; type: number; offset: number; size: number; ne: number[] }[];
}

const ITEM_BYTES: Record<string, number> = { u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4 };

function readArray(g: ReturnType<typeof bind>, ctx: unknown, id: number): GgufArray {
  const itemType = ggufValueTypeName(g.arrType(ctx, id) as number);
  const n = Number(g.arrN(ctx, id));
  if (itemType === "str")
    return { itemType, value: Array.from({ length: n }, (_, i) => g.arrStr(ctx, id, i) as string) };
  if (itemType === undefined || itemType === "arr")
    throw new Error(`libggml returned array item type ${itemType}`);
  const size = ITEM_BYTES[itemType] ?? 8;
  const bytes = n === 0 ? Buffer.alloc(0) : Buffer.from(koffi.view(g.arrData(ctx, id), n * size).slice(0));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (i: number): number | bigint | boolean => {
    const o = i * size;
    switch (itemType) {
      case "u8":
        return dv.getUint8(o);
      case "i8":
        return dv.getInt8(o);
      case "bool":
        return dv.getInt8(o) !== 0;
      case "u16":
        return dv.getUint16(o, true);
      case "i16":
        return dv.getInt16(o, true);
      case "u32":
        return dv.getUint32(o, true);
      case "i32":
        return dv.getInt32(o, true);
      case "f32":
        return dv.getFloat32(o, true);
      case "f64":
        return dv.getFloat64(o, true);
      case "u64":
        return dv.getBigUint64(o, true);
      case "i64":
        return dv.getBigInt64(o, true);
    }
  };
  return { itemType, value: Array.from({ length: n }, (_, i) => at(i)) } as GgufArray;
}

/** Open `path` with gguf_init_from_file (metadata only); undefined when ggml refuses the file. */
export function readWithLibggml(path: string): LibggmlView | undefined {
  const g = ggml();
  const ctx = g.initFromFile(path, { no_alloc: true, ctx: null });
  if (ctx === null) return undefined;
  try {
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < Number(g.nKv(ctx)); i++) {
      const type = ggufValueTypeName(g.kvType(ctx, i) as number);
      if (type === undefined) throw new Error("libggml returned an unknown value type");
      const value: GgufValue =
        type === "arr"
          ? { type, ...readArray(g, ctx, i) }
          : ({ type, value: (g.getters[type] as Fn)(ctx, i) } as GgufValue);
      if (value.type === "u64" || value.type === "i64") value.value = BigInt(value.value);
      metadata.set(g.key(ctx, i) as string, value);
    }
    const tensors = Array.from({ length: Number(g.nTensors(ctx)) }, (_, i) => ({
      name: g.tensorName(ctx, i) as string,
      type: g.tensorType(ctx, i) as number,
      offset: Number(g.tensorOffset(ctx, i)),
      size: Number(g.tensorSize(ctx, i)),
      ne: Array.from(koffi.decode(g.tensorNe(ctx, i), "int64_t", 4) as ArrayLike<number | bigint>, Number),
    }));
    return {
      version: g.version(ctx) as number,
      alignment: Number(g.alignment(ctx)),
      dataOffset: Number(g.dataOffset(ctx)),
      metadata,
      tensors,
    };
  } finally {
    g.free(ctx);
  }
}

export interface LibggmlTensor {
  name: string;
  type: number;
  /** ne0 first, 1–4 dims. */
  ne: number[];
  data: Uint8Array;
}

const C_ITEM: Record<string, string> = {
  u8: "uint8_t",
  i8: "int8_t",
  u16: "uint16_t",
  i16: "int16_t",
  u32: "uint32_t",
  i32: "int32_t",
  f32: "float",
  f64: "double",
  u64: "uint64_t",
  i64: "int64_t",
  bool: "bool",
};

/** Write a GGUF with gguf_write_to_file, as llama.cpp's tools do (default alignment: ggml's writer ignores the key). */
export function writeWithLibggml(
  path: string,
  metadata: Map<string, GgufValue>,
  tensors: LibggmlTensor[],
): void {
  const g = ggml();
  const total = tensors.reduce((n, t) => n + t.data.byteLength + 1024, 1 << 16);
  const mem = g.ggmlInit({ mem_size: total, mem_buffer: null, no_alloc: false });
  const ctx = g.initEmpty();
  try {
    for (const [key, v] of metadata) {
      if (v.type === "arr") {
        if (v.itemType === "str") g.setArrStr(ctx, key, v.value, v.value.length);
        else if (v.itemType === "arr") throw new Error("ggml cannot write nested arrays");
        else {
          const ctype = C_ITEM[v.itemType] as string;
          const items = v.value;
          const bytes = Buffer.alloc(items.length * koffi.sizeof(ctype));
          if (items.length > 0) koffi.encode(bytes, 0, koffi.array(ctype, items.length), items);
          g.setArrData(ctx, key, GGUF_VALUE_TYPE[v.itemType], bytes, items.length);
        }
      } else {
        (g.getters[`set_${v.type}`] as Fn)(ctx, key, v.value);
      }
    }
    for (const t of tensors) {
      const ne = new BigInt64Array(t.ne.map(BigInt));
      const tensor = g.newTensor(mem, t.type, t.ne.length, ne);
      g.setName(tensor, t.name);
      new Uint8Array(koffi.view(g.getData(tensor), t.data.byteLength)).set(t.data);
      g.addTensor(ctx, tensor);
    }
    if (g.writeToFile(ctx, path, false) !== true) throw new Error(`gguf_write_to_file failed for ${path}`);
  } finally {
    g.free(ctx);
    g.ggmlFree(mem);
  }
}
