/**
 * Where every parameter lives: all of a model's weights sit in one flat float array (and its gradients, Adam
 * moments and checkpoints in arrays of the same layout), so the optimizer is one loop, a checkpoint is three
 * arrays, and worker threads can share them. Tensors are row-major with the output index outer, exactly as a
 * GGUF tensor of ne = {n_in, n_out} stores them, so export copies rows without transposing.
 *
 * The output and embedding matrices have one row per corpus token (the compact vocabulary), not per
 * o200k_harmony token: export expands them (vocab-design.ts).
 */
import type { ToyShape } from "./toy-config.js";

export type Floats = Float32Array | Float64Array;
export type FloatsConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

export type TensorRole = "matrix" | "embedding" | "norm" | "bias" | "sink";

export interface ParamTensor {
  /** Trainer name; the GGUF name is derived at export (`blk.0.wq` → `blk.0.attn_q.weight`). */
  name: string;
  /** Outer dimension first: [rows, columns]. */
  shape: readonly number[];
  role: TensorRole;
  offset: number;
  size: number;
}

export interface LayerParams {
  attnNorm: Floats;
  wq: Floats;
  bq: Floats;
  wk: Floats;
  bk: Floats;
  wv: Floats;
  bv: Floats;
  wo: Floats;
  bo: Floats;
  sinks: Floats;
  postNorm: Floats;
  wg: Floats;
  bg: Floats;
  wu: Floats;
  bu: Floats;
  wd: Floats;
  bd: Floats;
}

export interface ModelParams {
  embedding: Floats;
  layers: LayerParams[];
  outNorm: Floats;
  output: Floats;
}

export interface ParamLayout {
  shape: ToyShape;
  /** Rows of the embedding and output: the corpus vocabulary's size. */
  vocabSize: number;
  tensors: readonly ParamTensor[];
  total: number;
}

const LAYER_KEYS = [
  "attnNorm",
  "wq",
  "bq",
  "wk",
  "bk",
  "wv",
  "bv",
  "wo",
  "bo",
  "sinks",
  "postNorm",
  "wg",
  "bg",
  "wu",
  "bu",
  "wd",
  "bd",
] as const satisfies readonly (keyof LayerParams)[];

export function paramLayout(shape: ToyShape, vocabSize: number): ParamLayout {
  const { embd: d, heads, kvHeads, headDim, ff } = shape;
  const q = heads * headDim;
  const kv = kvHeads * headDim;
  const tensors: ParamTensor[] = [];
  let offset = 0;
  const add = (name: string, dims: number[], role: TensorRole) => {
    const size = dims.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape: dims, role, offset, size });
    offset += size;
  };
  add("embedding", [vocabSize, d], "embedding");
  for (let l = 0; l < shape.layers; l++) {
    const shapes: Record<(typeof LAYER_KEYS)[number], [number[], TensorRole]> = {
      attnNorm: [[d], "norm"],
      wq: [[q, d], "matrix"],
      bq: [[q], "bias"],
      wk: [[kv, d], "matrix"],
      bk: [[kv], "bias"],
      wv: [[kv, d], "matrix"],
      bv: [[kv], "bias"],
      wo: [[d, q], "matrix"],
      bo: [[d], "bias"],
      sinks: [[heads], "sink"],
      postNorm: [[d], "norm"],
      wg: [[ff, d], "matrix"],
      bg: [[ff], "bias"],
      wu: [[ff, d], "matrix"],
      bu: [[ff], "bias"],
      wd: [[d, ff], "matrix"],
      bd: [[d], "bias"],
    };
    for (const key of LAYER_KEYS) {
      const [dims, role] = shapes[key];
      add(`blk.${l}.${key}`, dims, role);
    }
  }
  add("outNorm", [d], "norm");
  add("output", [vocabSize, d], "matrix");
  return { shape, vocabSize, tensors, total: offset };
}

export function findTensor(layout: ParamLayout, name: string): ParamTensor {
  const t = layout.tensors.find((x) => x.name === name);
  if (t === undefined) throw new RangeError(`no parameter tensor ${name}`);
  return t;
}

/** Named views into a flat array of the layout (parameters, gradients or moments alike). */
export function paramViews(layout: ParamLayout, data: Floats): ModelParams {
  if (data.length !== layout.total)
    throw new RangeError(`${data.length} values for a layout of ${layout.total}`);
  const view = (name: string) => {
    const t = findTensor(layout, name);
    return data.subarray(t.offset, t.offset + t.size);
  };
  const layers: LayerParams[] = [];
  for (let l = 0; l < layout.shape.layers; l++) {
    const entries = LAYER_KEYS.map((key) => [key, view(`blk.${l}.${key}`)] as const);
    layers.push(Object.fromEntries(entries) as unknown as LayerParams);
  }
  return { embedding: view("embedding"), layers, outNorm: view("outNorm"), output: view("output") };
}
