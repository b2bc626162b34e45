/**
 * Training checkpoints: everything a run needs to continue exactly where it stopped — the parameters, Adam's
 * two moments, the step, the loss history — plus the configuration and a fingerprint of the training data, so
 * a checkpoint is never resumed under other settings. Batches and the learning rate are pure functions of
 * (seed, step), so nothing else is needed for a resumed run to equal an uninterrupted one bit for bit.
 *
 * The file is a GGUF (F32 tensors, typed metadata), written through the GGUF writer: atomically (temp name,
 * then rename), so a crash mid-write leaves the previous checkpoint intact.
 */
import { createHash } from "node:crypto";
import { ConfigError, InputError } from "@overtone/errors";
import { GGML_TYPE, type GgufValue, ggufValue } from "@overtone/gguf";
import { openGguf, writeGguf } from "@overtone/gguf/node";
import type { ToyConfig } from "./toy-config.js";
import type { TrainingSet } from "./training-set.js";

const FORMAT = "overtone-toy-checkpoint";
const FORMAT_VERSION = 1;

export interface CheckpointState {
  config: ToyConfig;
  /** Optimizer steps done. */
  step: number;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** Mean loss of each step done. */
  losses: number[];
}

/** A hash of what the run trains on: vocabulary, example boundaries, tokens and masks. */
export function trainingSetFingerprint(set: TrainingSet): string {
  const hash = createHash("sha256");
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  hash.update(bytes(set.vocabulary.ids));
  hash.update(bytes(set.packed.offsets));
  hash.update(bytes(set.packed.rows));
  hash.update(bytes(set.packed.masks));
  return hash.digest("hex").slice(0, 32);
}

function f32Bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(Float32Array.from(a).buffer);
}

export async function writeCheckpoint(
  path: string,
  state: CheckpointState,
  fingerprint: string,
): Promise<void> {
  const n = state.params.length;
  const metadata: [string, GgufValue][] = [
    ["general.architecture", ggufValue.str(FORMAT)],
    ["overtone.toy.format_version", ggufValue.u32(FORMAT_VERSION)],
    ["overtone.toy.config", ggufValue.str(JSON.stringify(state.config))],
    ["overtone.toy.data", ggufValue.str(fingerprint)],
    ["overtone.toy.step", ggufValue.u32(state.step)],
    ["overtone.toy.losses", { type: "arr", itemType: "f64", value: [...state.losses] }],
  ];
  await writeGguf(path, {
    metadata,
    tensors: [
      { name: "params", type: GGML_TYPE.F32, shape: [n], data: f32Bytes(state.params) },
      { name: "adam.m", type: GGML_TYPE.F32, shape: [n], data: f32Bytes(state.m) },
      { name: "adam.v", type: GGML_TYPE.F32, shape: [n], data: f32Bytes(state.v) },
    ],
  });
}

function bad(path: string, what: string): InputError {
  return new InputError(`${path}: ${what}`, {
    where: path,
    hint: "pass a checkpoint written by overtone gguf train-toy, or remove it to start over",
  });
}

async function readF32(
  file: Awaited<ReturnType<typeof openGguf>>,
  name: string,
  length: number,
): Promise<Float32Array> {
  const info = file.tensor(name);
  if (info.type !== GGML_TYPE.F32 || info.shape.length !== 1 || Number(info.shape[0]) !== length) {
    throw bad(file.path, `tensor ${name} is not F32 [${length}]`);
  }
  const bytes = await file.readTensorData(name);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Reads a checkpoint and checks it belongs to this run (same configuration, same training data). */
export async function readCheckpoint(
  path: string,
  expected: ToyConfig,
  fingerprint: string,
  parameterCount: number,
): Promise<CheckpointState> {
  const file = await openGguf(path);
  try {
    const meta = (key: string) => file.metadata.get(key)?.value;
    if (meta("general.architecture") !== FORMAT) throw bad(path, "not a toy-model training checkpoint");
    if (meta("overtone.toy.format_version") !== FORMAT_VERSION) throw bad(path, "unknown checkpoint version");
    const configText = meta("overtone.toy.config");
    const config = JSON.parse(String(configText)) as ToyConfig;
    const mismatch = describeMismatch(config, expected);
    if (mismatch !== undefined || meta("overtone.toy.data") !== fingerprint) {
      throw new ConfigError(
        `${path}: the checkpoint was written by a run with ${mismatch ?? "other training data"}`,
        {
          where: path,
          hint: "resume with the same seed and options, or delete the checkpoint to start over",
        },
      );
    }
    const step = Number(meta("overtone.toy.step"));
    const lossesValue = file.metadata.get("overtone.toy.losses");
    const losses =
      lossesValue?.type === "arr" && lossesValue.itemType === "f64" ? [...lossesValue.value] : [];
    return {
      config,
      step,
      params: await readF32(file, "params", parameterCount),
      m: await readF32(file, "adam.m", parameterCount),
      v: await readF32(file, "adam.v", parameterCount),
      losses,
    };
  } finally {
    await file.close();
  }
}

/** "steps 2000 (this run: 3000)" for the first differing setting, or undefined when they agree. */
function describeMismatch(found: ToyConfig, expected: ToyConfig): string | undefined {
  if (found.seed !== expected.seed) return `seed ${found.seed} (this run: ${expected.seed})`;
  for (const group of ["shape", "recipe"] as const) {
    for (const [key, value] of Object.entries(expected[group])) {
      const other = (found[group] as unknown as Record<string, unknown>)[key];
      if (other !== value) return `${key} ${JSON.stringify(other)} (this run: ${JSON.stringify(value)})`;
    }
  }
  return undefined;
}
