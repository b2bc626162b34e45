/**
 * Directions as a GGUF in llama.cpp's control-vector convention, so llama.cpp itself can load the file
 * (`--control-vector`): `general.architecture = controlvector`, `controlvector.model_hint`,
 * `controlvector.layer_count`, and F32 1-D tensors `direction.N` only — llama.cpp's loader rejects the whole file
 * for any other tensor name or for N = 0 (common.cpp, common_control_vector_load_one), so everything else Overtone
 * records (where the stream was read, which prompts, how many) goes in `overtone.surgery.*` metadata.
 *
 * Residual point: `direction.N` is the residual stream after block N (llama.cpp's `l_out-N`), which is where
 * llama.cpp adds `direction.N` when it loads the file as a control vector — measured and applied at the same
 * point (llama-cvector-generator writes its `l_out-k` as `direction.(k+1)`, one block later; see
 * shared/reference/surgery.md §5).
 */
import { InputError } from "@overtone/errors";
import { chatTemplateOf, GGML_TYPE, type GgufValue, ggufValue } from "@overtone/gguf";
import { openGguf, writeGguf } from "@overtone/gguf/node";

export const RESIDUAL_POINT = "l_out";
const KEY = "overtone.surgery";

export interface DirectionsFile {
  /** `controlvector.model_hint`: the architecture measured (gpt-oss). */
  modelHint: string;
  /** Residual width. */
  width: number;
  /** By block N ≥ 1 (the stream after block N). */
  directions: Map<number, Float32Array>;
  /** `overtone.surgery.*` keys, as written (position rule, prompt-set hashes, counts, …). */
  notes: Record<string, string | number>;
  /** `overtone.surgery.*` float arrays (per-layer means of each set, their spreads): what `analyze` reads. */
  arrays?: Record<string, Float32Array>;
}

/** Write a directions file atomically (the GGUF writer's temporary name and rename). */
export async function writeDirections(path: string, file: DirectionsFile): Promise<void> {
  const layers = [...file.directions.keys()].sort((a, b) => a - b);
  for (const n of layers) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`direction.${n}: llama.cpp numbers them from 1`);
    if (file.directions.get(n)?.length !== file.width)
      throw new RangeError(`direction.${n} is not ${file.width} long`);
  }
  const metadata: [string, GgufValue][] = [
    ["general.architecture", ggufValue.str("controlvector")],
    ["controlvector.model_hint", ggufValue.str(file.modelHint)],
    ["controlvector.layer_count", ggufValue.i32(layers.length)],
    [`${KEY}.residual_point`, ggufValue.str(RESIDUAL_POINT)],
  ];
  for (const [key, value] of Object.entries(file.notes)) {
    metadata.push([`${KEY}.${key}`, typeof value === "number" ? ggufValue.f64(value) : ggufValue.str(value)]);
  }
  for (const [key, values] of Object.entries(file.arrays ?? {})) {
    metadata.push([`${KEY}.${key}`, ggufValue.array("f32", [...values])]);
  }
  await writeGguf(path, {
    metadata,
    tensors: layers.map((n) => {
      const values = file.directions.get(n) as Float32Array;
      return {
        name: `direction.${n}`,
        type: GGML_TYPE.F32,
        shape: [file.width],
        data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      };
    }),
  });
}

/** Read a directions file; an InputError says what is wrong with one that is not. */
export async function readDirections(path: string): Promise<DirectionsFile> {
  const gguf = await openGguf(path);
  try {
    const arch = gguf.metadata.get("general.architecture");
    if (arch?.type !== "str" || arch.value !== "controlvector") {
      throw new InputError(`${path} is not a directions file (general.architecture is not "controlvector")`, {
        where: path,
        hint: "make one with `overtone surgery measure`, or llama.cpp's llama-cvector-generator",
      });
    }
    if (chatTemplateOf(gguf.metadata) !== undefined) {
      throw new InputError(`${path} carries a chat template: it is a model, not a directions file`, {
        where: path,
      });
    }
    const hint = gguf.metadata.get("controlvector.model_hint");
    const directions = new Map<number, Float32Array>();
    let width = 0;
    for (const t of gguf.tensors) {
      const n = /^direction\.(\d+)$/.exec(t.name)?.[1];
      if (n === undefined || Number(n) < 1 || t.type !== GGML_TYPE.F32 || t.shape.length !== 1) {
        throw new InputError(`${path}: tensor ${t.name} is not a direction (F32 1-D direction.N, N ≥ 1)`, {
          where: path,
          hint: "llama.cpp refuses such a file too; write it again",
        });
      }
      const bytes = await gguf.readTensorData(t.name);
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      if (width !== 0 && values.length !== width) {
        throw new InputError(`${path}: ${t.name} is ${values.length} long, the others ${width}`, {
          where: path,
        });
      }
      width = values.length;
      directions.set(Number(n), values);
    }
    if (directions.size === 0) throw new InputError(`${path} has no direction tensors`, { where: path });
    const notes: Record<string, string | number> = {};
    const arrays: Record<string, Float32Array> = {};
    for (const [key, value] of gguf.metadata) {
      if (!key.startsWith(`${KEY}.`)) continue;
      if (value.type === "arr" && value.itemType === "f32") {
        arrays[key.slice(KEY.length + 1)] = Float32Array.from(value.value as number[]);
        continue;
      }
      if (value.type === "str" || typeof value.value === "number")
        notes[key.slice(KEY.length + 1)] = value.value as string | number;
    }
    return { modelHint: hint?.type === "str" ? hint.value : "", width, directions, notes, arrays };
  } finally {
    await gguf.close();
  }
}
