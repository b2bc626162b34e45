/**
 * `surgery ablate`: a copy of a gpt-oss GGUF with a direction removed from what its blocks write into the
 * residual stream — `attn_output` (± bias), every expert of `ffn_down_exps` (± biases) and `token_embd` —
 * on the output axis, in F32, each tensor re-encoded in its own type (tensor-edit.ts). Every other tensor and
 * every metadata key (the chat template included) is copied byte for byte; the output is written atomically
 * (copyWithEdits); a tensor whose shape does not match the architecture, or whose type cannot be re-encoded
 * exactly, stops the run before anything is written — never silently skipped.
 */
import { InputError } from "@overtone/errors";
import { canEncode } from "@overtone/gguf";
import { copyWithEdits, type GgufFile, openGguf, type TensorReplacement } from "@overtone/gguf/node";
import type { AblateConfig, LayerEntry, WriterTarget } from "./ablate-config.js";
import { type Ablation, unitDirection } from "./ablation-math.js";
import { type DirectionsFile, readDirections } from "./directions-file.js";
import {
  type EditKind,
  editedTensorStream,
  newReport,
  type TensorEdit,
  type TensorEditReport,
  uneditableTypeMessage,
} from "./tensor-edit.js";

export interface AblateOptions {
  model: string;
  directions: string;
  config: AblateConfig;
  out: string;
}

export interface AblateResult {
  path: string;
  bytes: number;
  tensors: TensorEditReport[];
}

/** Each writer target: its tensor name in block L (or the one embedding), and how it meets the residual. */
const TARGET_TENSOR: Record<WriterTarget, { name: (layer: number) => string; kind: EditKind }> = {
  attn_output: { name: (l) => `blk.${l}.attn_output.weight`, kind: "writer" },
  "attn_output.bias": { name: (l) => `blk.${l}.attn_output.bias`, kind: "vectors" },
  ffn_down_exps: { name: (l) => `blk.${l}.ffn_down_exps.weight`, kind: "writer" },
  "ffn_down_exps.bias": { name: (l) => `blk.${l}.ffn_down_exps.bias`, kind: "vectors" },
  token_embd: { name: () => "token_embd.weight", kind: "vectors" },
};

export async function ablate(options: AblateOptions): Promise<AblateResult> {
  const directions = await readDirections(options.directions);
  const model = await openGguf(options.model);
  try {
    const edits = planEdits(model, directions, options);
    const reports = edits.map(newReport);
    const replaceTensors: Record<string, TensorReplacement> = {};
    edits.forEach((edit, i) => {
      replaceTensors[edit.info.name] = {
        data: editedTensorStream(model, edit, reports[i] as TensorEditReport),
      };
    });
    const written = await copyWithEdits(options.model, options.out, { replaceTensors });
    return { path: written.path, bytes: written.bytes, tensors: reports };
  } finally {
    await model.close();
  }
}

/** Every tensor edit the config asks for, checked against the model before anything is written. */
export function planEdits(model: GgufFile, directions: DirectionsFile, options: AblateOptions): TensorEdit[] {
  const { config } = options;
  const arch = model.metadata.get("general.architecture");
  if (arch?.type !== "str" || arch.value !== "gpt-oss") {
    throw new InputError(
      `${options.model} is not a gpt-oss GGUF (general.architecture is ${JSON.stringify(arch?.value)})`,
      {
        where: options.model,
        hint: "surgery edits gpt-oss's residual writers by their GGUF names",
      },
    );
  }
  const width = numberKey(model, "gpt-oss.embedding_length");
  const blocks = numberKey(model, "gpt-oss.block_count");
  if (directions.width !== width) {
    throw new InputError(
      `the directions are ${directions.width} wide but the model's residual stream is ${width}`,
      {
        where: options.directions,
        hint: "measure the directions on this model (or one of the same size)",
      },
    );
  }
  const entries: LayerEntry[] =
    config.entries ??
    Array.from({ length: blocks }, (_, layer) => ({
      layer,
      measurement: config.directionLayer as number,
      scale: 1,
      sparsity: 0,
    }));
  const edits: TensorEdit[] = [];
  const add = (name: string, kind: EditKind, ablation: Ablation) => {
    const info = model.getTensor(name);
    if (info === undefined)
      throw new InputError(`${options.model} has no tensor ${name}`, {
        where: options.model,
        hint: "is this a gpt-oss GGUF of the usual layout?",
      });
    checkShape(info.name, info.shape, kind, width, options.model);
    // Only a type the codecs re-encode exactly as ggml does can be edited.
    if (!canEncode(info.type))
      throw new InputError(uneditableTypeMessage(info), {
        where: options.model,
        hint: "ablate an F16, BF16, Q8_0 or MXFP4 file, then quantize",
      });
    edits.push({ info, kind, ablation });
  };
  const seen = new Set<number>();
  for (const e of entries) {
    if (seen.has(e.layer)) {
      throw new InputError(`${config.file}: block ${e.layer} is listed twice under ablate:`, {
        where: config.file,
        hint: "one entry per block (removing two directions from one block is not supported yet)",
      });
    }
    seen.add(e.layer);
    if (e.layer >= blocks)
      throw new InputError(
        `${config.file}: block ${e.layer} does not exist (the model has ${blocks}: 0–${blocks - 1})`,
        { where: config.file },
      );
    const raw = pick(directions, e.measurement, config.file);
    const toRemove = config.projected ? projected(raw, directions, e.layer, config.file) : raw;
    const ablation = {
      direction: unitDirection(toRemove, e.sparsity),
      scale: e.scale * config.scale,
      normPreserve: config.normPreserve,
    };
    for (const t of config.targets.filter((x) => x !== "token_embd"))
      add(TARGET_TENSOR[t].name(e.layer), TARGET_TENSOR[t].kind, ablation);
  }
  if (config.targets.includes("token_embd")) {
    // The embedding writes the stream before block 0: it takes direction_layer's direction, else the composite.
    const direction = unitDirection(pick(directions, config.directionLayer ?? "composite", config.file));
    add("token_embd.weight", "vectors", {
      direction,
      scale: config.scale,
      normPreserve: config.normPreserve,
    });
  }
  return edits;
}

function pick(directions: DirectionsFile, which: number | "composite", file: string): Float32Array {
  if (which === "composite") {
    const sum = new Float32Array(directions.width);
    for (const d of directions.directions.values()) {
      const unit = unitDirection(d);
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (unit[i] as number);
    }
    return sum;
  }
  const d = directions.directions.get(which) ?? blockZero(directions, which);
  if (d === undefined) {
    const have = [...directions.directions.keys()].sort((a, b) => a - b);
    throw new InputError(`${file}: there is no direction.${which} (the file has ${have[0]}–${have.at(-1)})`, {
      where: file,
      hint: "direction.N is the residual stream after block N; block 0's is read from the means `surgery measure` keeps",
    });
  }
  return d;
}

/**
 * r − (r·b̂)b̂, b the mean of set b after block `block` (where that block's writers write): the direction keeps
 * only what is not along the ordinary stream there (grimjim's "projected"; token_embd is not projected: no
 * mean was measured before block 0).
 */
function projected(
  direction: Float32Array,
  directions: DirectionsFile,
  block: number,
  file: string,
): Float32Array {
  const means = directions.arrays?.mean_b;
  if (means === undefined) {
    throw new InputError(
      `${file}: projected: needs set b's means, which this directions file does not have`,
      {
        where: file,
        hint: "measure the directions with `overtone surgery measure` (it keeps them), or drop projected:",
      },
    );
  }
  const width = directions.width;
  const b = means.subarray(block * width, (block + 1) * width);
  const bb = b.reduce((sum, x) => sum + x * x, 0);
  if (bb === 0) return direction;
  const along = direction.reduce((sum, x, i) => sum + x * (b[i] as number), 0) / bb;
  return direction.map((x, i) => x - along * (b[i] as number));
}

/** Block 0's output has no `direction.0` (llama.cpp numbers from 1): measure keeps its means in the metadata. */
function blockZero(directions: DirectionsFile, which: number): Float32Array | undefined {
  const [a, b] = [directions.arrays?.mean_a, directions.arrays?.mean_b];
  if (which !== 0 || a === undefined || b === undefined) return undefined;
  const width = directions.width;
  return Float32Array.from({ length: width }, (_, i) => (a[i] as number) - (b[i] as number));
}

function numberKey(model: GgufFile, key: string): number {
  const v = model.metadata.get(key);
  if (v === undefined || typeof v.value !== "number")
    throw new InputError(`${model.path} has no ${key}`, {
      where: model.path,
      hint: "is this a complete gpt-oss GGUF?",
    });
  return v.value;
}

/** A writer has ne1 = width rows (per expert); vectors have ne0 = width. Anything else is refused by name. */
function checkShape(
  name: string,
  shape: readonly number[],
  kind: EditKind,
  width: number,
  file: string,
): void {
  const ok =
    kind === "writer" ? shape[1] === width && shape.length <= 3 : shape[0] === width && shape.length <= 2;
  if (!ok) {
    throw new InputError(
      `${name} has shape [${shape.join(", ")}], which does not write a residual stream of width ${width} on the axis gpt-oss uses`,
      {
        where: file,
        hint:
          kind === "writer"
            ? "a writer is [inputs, width(, experts)] in ggml order"
            : "a residual vector is [width(, count)]",
      },
    );
  }
}
