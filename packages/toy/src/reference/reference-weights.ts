/**
 * A gpt-oss model as plain float32 arrays: every tensor the llama.cpp loader requires, decoded through the gguf
 * codecs (any type they decode: F32, F16, BF16, MXFP4, Q8_0, the K-quants, …), with its shape checked against
 * the hyperparameters. Matrices keep ggml's layout: `ne = {n_in, n_out}` is row-major `[n_out][n_in]`, and an
 * expert tensor `{n_in, n_out, E}` is E such matrices one after another.
 *
 * `loadReferenceModel(path)` reads a GGUF; `buildReferenceModel(metadata, source)` takes tensors from anywhere
 * (a trainer's arrays), so both meet the same checks.
 */
import { InputError } from "@overtone/errors";
import { decodeTensor, type GgufMetadata } from "@overtone/gguf";
import { openGguf } from "@overtone/gguf/node";
import { type GptOssHyperparameters, readGptOssHyperparameters } from "./hyperparameters.js";

export interface ReferenceLayer {
  attnNorm: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** q/k/v biases are optional in llama.cpp (gpt-oss has them); undefined acts as zero. */
  qBias: Float32Array | undefined;
  kBias: Float32Array | undefined;
  vBias: Float32Array | undefined;
  attnOutput: Float32Array;
  attnOutputBias: Float32Array;
  sinks: Float32Array;
  postAttnNorm: Float32Array;
  router: Float32Array;
  routerBias: Float32Array;
  gate: Float32Array;
  gateBias: Float32Array;
  up: Float32Array;
  upBias: Float32Array;
  down: Float32Array;
  downBias: Float32Array;
}

export interface ReferenceModel {
  hparams: GptOssHyperparameters;
  vocabSize: number;
  tokenEmbedding: Float32Array;
  outputNorm: Float32Array;
  /** The untied unembedding `output.weight`, `[vocab][embd]`. */
  output: Float32Array;
  layers: ReferenceLayer[];
}

/** A decoded tensor: its values and its shape, ne0 first. */
export interface SourceTensor {
  shape: readonly number[];
  values: Float32Array;
}

/** Where tensors come from: undefined for a tensor that is not there. */
export type TensorSource = (name: string) => Promise<SourceTensor | undefined>;

/** Check every tensor's shape against the hyperparameters and assemble the model. */
export async function buildReferenceModel(
  metadata: GgufMetadata,
  source: TensorSource,
  where = "GGUF",
): Promise<ReferenceModel> {
  const hp = readGptOssHyperparameters(metadata, where);
  const fail = (name: string, message: string, hint: string): never => {
    throw new InputError(`${where}: ${name}: ${message}`, { where: `${where}: ${name}`, hint });
  };
  const check = (name: string, t: SourceTensor, shape: readonly number[]) => {
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail(
        name,
        `shape [${t.shape}] where [${shape}] was expected`,
        "the tensor does not match the metadata",
      );
    }
    return t.values;
  };
  const get = async (name: string, shape: readonly number[], optional = false) => {
    const t = await source(name);
    if (t !== undefined) return check(name, t, shape);
    if (optional) return undefined;
    return fail(name, "missing tensor", "llama.cpp's gpt-oss loader requires it (openai-moe.cpp)");
  };
  const need = async (name: string, shape: readonly number[]) => (await get(name, shape)) as Float32Array;

  const embd = hp.embd;
  // The vocabulary size is the output matrix's: reading it from the metadata would decode 201k strings.
  const output = await source("output.weight");
  if (output === undefined)
    return fail("output.weight", "missing tensor", "gpt-oss has an untied output matrix");
  const vocabSize = output.shape[1] ?? 0;
  const qDim = hp.heads * hp.headDim;
  const kvDim = hp.kvHeads * hp.headDim;
  const { experts: E, ff } = hp;
  const layers: ReferenceLayer[] = [];
  for (let l = 0; l < hp.layers; l++) {
    const b = (name: string) => `blk.${l}.${name}`;
    const qkv = await splitFusedQkv(get, b, embd, qDim, kvDim);
    layers.push({
      attnNorm: await need(b("attn_norm.weight"), [embd]),
      ...qkv,
      attnOutput: await need(b("attn_output.weight"), [qDim, embd]),
      attnOutputBias: await need(b("attn_output.bias"), [embd]),
      sinks: await need(b("attn_sinks.weight"), [hp.heads]),
      postAttnNorm: await need(b("post_attention_norm.weight"), [embd]),
      router: await need(b("ffn_gate_inp.weight"), [embd, E]),
      routerBias: await need(b("ffn_gate_inp.bias"), [E]),
      gate: await need(b("ffn_gate_exps.weight"), [embd, ff, E]),
      gateBias: await need(b("ffn_gate_exps.bias"), [ff, E]),
      up: await need(b("ffn_up_exps.weight"), [embd, ff, E]),
      upBias: await need(b("ffn_up_exps.bias"), [ff, E]),
      down: await need(b("ffn_down_exps.weight"), [ff, embd, E]),
      downBias: await need(b("ffn_down_exps.bias"), [embd, E]),
    });
  }
  return {
    hparams: hp,
    vocabSize,
    tokenEmbedding: await need("token_embd.weight", [embd, vocabSize]),
    outputNorm: await need("output_norm.weight", [embd]),
    output: check("output.weight", output, [embd, vocabSize]),
    layers,
  };
}

type Getter = (
  name: string,
  shape: readonly number[],
  optional?: boolean,
) => Promise<Float32Array | undefined>;

/** Separate q/k/v tensors, or a fused `attn_qkv` split in the order Q, K, V as llama.cpp does. */
async function splitFusedQkv(
  get: Getter,
  b: (name: string) => string,
  embd: number,
  qDim: number,
  kvDim: number,
): Promise<Pick<ReferenceLayer, "q" | "k" | "v" | "qBias" | "kBias" | "vBias">> {
  const fusedDim = qDim + 2 * kvDim;
  const fused = await get(b("attn_qkv.weight"), [embd, fusedDim], true);
  if (fused !== undefined) {
    const bias = await get(b("attn_qkv.bias"), [fusedDim], true);
    const rows = (m: Float32Array | undefined, from: number, to: number, width: number) =>
      m?.subarray(from * width, to * width);
    return {
      q: rows(fused, 0, qDim, embd) as Float32Array,
      k: rows(fused, qDim, qDim + kvDim, embd) as Float32Array,
      v: rows(fused, qDim + kvDim, fusedDim, embd) as Float32Array,
      qBias: rows(bias, 0, qDim, 1),
      kBias: rows(bias, qDim, qDim + kvDim, 1),
      vBias: rows(bias, qDim + kvDim, fusedDim, 1),
    };
  }
  return {
    q: (await get(b("attn_q.weight"), [embd, qDim])) as Float32Array,
    k: (await get(b("attn_k.weight"), [embd, kvDim])) as Float32Array,
    v: (await get(b("attn_v.weight"), [embd, kvDim])) as Float32Array,
    qBias: await get(b("attn_q.bias"), [qDim], true),
    kBias: await get(b("attn_k.bias"), [kvDim], true),
    vBias: await get(b("attn_v.bias"), [kvDim], true),
  };
}

/** Read a gpt-oss GGUF into memory as float32 (a toy model: the whole of every tensor is decoded). */
export async function loadReferenceModel(path: string): Promise<ReferenceModel> {
  const file = await openGguf(path);
  try {
    return await buildReferenceModel(
      file.metadata,
      async (name) => {
        const info = file.getTensor(name);
        if (info === undefined) return undefined;
        const bytes = await file.readTensorData(name);
        try {
          return { shape: info.shape, values: decodeTensor(info.type, bytes, info.elements) };
        } catch (e) {
          throw new InputError(`${path}: ${name}: cannot decode ${info.typeName} data`, {
            where: `${path}: ${name}`,
            hint: e instanceof Error ? e.message : String(e),
            cause: e,
          });
        }
      },
      path,
    );
  } finally {
    await file.close();
  }
}
