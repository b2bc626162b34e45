/**
 * `makeTinyGptOss`: a real gpt-oss GGUF — every key and tensor llama.cpp requires, the real o200k_harmony
 * vocabulary, the chosen chat template — with small seeded random weights, made offline in about a second.
 * It is the model the integration tests run through llama.cpp, and the stand-in for a 13 GB download when a
 * user wants to check a setup. Tensor data is streamed into the writer, so memory stays at the header (~15 MB,
 * mostly the vocabulary) whatever the size; the file appears atomically (temp name, then rename).
 */
import { performance } from "node:perf_hooks";
import { loadChatmlTemplate, loadHarmonyTemplate, writeGguf } from "@overtone/gguf/node";
import { gptOssMetadata } from "./gpt-oss-metadata.js";
import { gptOssTensorPlan, parameterCount } from "./gpt-oss-tensors.js";
import { loadGptOssVocab } from "./gpt-oss-vocab.js";
import { tensorStream } from "./tensor-stream.js";
import {
  type ResolvedTinyGptOss,
  resolveTinyGptOssOptions,
  type TinyGptOssOptions,
  type TinyTemplate,
} from "./tiny-gpt-oss-options.js";

export interface MakeTinyGptOssOptions extends TinyGptOssOptions {
  /** Where to write the GGUF (replaced atomically if it exists). */
  out: string;
}

export interface MakeTinyGptOssResult {
  path: string;
  bytes: number;
  tensorCount: number;
  metadataCount: number;
  parameters: number;
  /** Wall time of the whole make, vocabulary load included. */
  elapsedMs: number;
  options: ResolvedTinyGptOss;
}

/** The template text for a template choice; undefined for `none`. */
export async function tinyTemplateText(template: TinyTemplate): Promise<string | undefined> {
  if (template === "harmony") return loadHarmonyTemplate();
  if (template === "chatml") return loadChatmlTemplate();
  return undefined;
}

export async function makeTinyGptOss(options: MakeTinyGptOssOptions): Promise<MakeTinyGptOssResult> {
  const start = performance.now();
  const { out, ...rest } = options;
  const o = resolveTinyGptOssOptions(rest);
  const plan = gptOssTensorPlan(o);
  const parameters = parameterCount(plan);
  const [vocab, template] = await Promise.all([loadGptOssVocab(), tinyTemplateText(o.template)]);
  const metadata = gptOssMetadata(o, vocab, template, parameters);
  const written = await writeGguf(out, {
    metadata,
    tensors: plan.map((t) => ({ name: t.name, type: t.type, shape: t.shape, data: tensorStream(t, o.seed) })),
  });
  return {
    path: written.path,
    bytes: written.bytes,
    tensorCount: plan.length,
    metadataCount: metadata.size,
    parameters,
    elapsedMs: performance.now() - start,
    options: o,
  };
}
