/**
 * The embedded backend: gpt-oss in this process, through llama.cpp (src/engine/). Overtone renders the Harmony
 * prompt (the gpt-oss profile applies effort and tools, as for every raw route), the engine evaluates exactly
 * those ids and parses the generated ids with Overtone's Harmony parser, so there is no template and no server
 * parser to get wrong. Routes do not apply: there is no chat API, only the raw prompt.
 *
 * The model loads on first use (or from `ready()`), once, and serves `parallel` requests at once (batched by
 * llama.cpp), the rest waiting in a bounded queue (a full one answers a retryable BackendError); a load failure
 * (a wrong path, a file that is not gpt-oss) arrives as the stream's `error` part with a ConfigError. A model
 * that runs on the CPU because a GPU backend failed to load says so once, as the first finish part's `notice`.
 * A `responseFormat` is enforced on the final channel with llama.cpp's grammar (engine/final-grammar.ts); a schema
 * no grammar can express leaves the answer free, and the finish part's notice says so.
 */
import { basename } from "node:path";
import { InputError } from "@overtone/errors";
import type { Part } from "@overtone/harmony";
import { type EngineModel, finalFormatProblem, type GpuChoice, loadModel } from "../../engine/index.js";
import { checkedParts } from "../checked-parts.js";
import type { Backend, BackendCapabilities, GenerateRequest, ModelInfo } from "../contract.js";
import { conversationForRendering } from "../gpt-oss-profile.js";

export interface EmbeddedBackendOptions {
  /** Path of a gpt-oss GGUF, or a model already loaded with the engine's `loadModel` (then the caller owns it). */
  model: string | EngineModel;
  /** CPU threads; default: the engine's auto rule. */
  threads?: number;
  /** Context tokens per request; default min(16384, the model's training context). */
  contextSize?: number;
  gpu?: GpuChoice;
  /** Requests generated for at once, each with its own `contextSize` of KV cache (default 1; LoadModelOptions). */
  parallel?: number;
  /** Requests that may wait while all `parallel` run (default 64; LoadModelOptions). */
  queueLimit?: number;
  /** The share of the weights loaded, (0 to 1], as the model loads (LoadModelOptions). */
  onLoadProgress?: (fraction: number) => void;
}

export interface EmbeddedBackend extends Backend {
  /** The loaded model (loading it now if needed). Rejects with a ConfigError when it cannot load. */
  ready(): Promise<EngineModel>;
}

export const EMBEDDED_CAPABILITIES: Readonly<BackendCapabilities> = Object.freeze({
  rawPrompt: true,
  nativeHarmony: true,
  reasoningEffort: true,
  tools: true,
  logprobs: false,
  tokenCounts: true,
});

export function createEmbedded(options: EmbeddedBackendOptions): EmbeddedBackend {
  const given = typeof options.model === "string" ? undefined : options.model;
  const path = given?.info.path ?? (options.model as string);
  let loading: Promise<EngineModel> | undefined = given && Promise.resolve(given);
  let closed = false;
  let gpuWarned = false;

  const ready = (): Promise<EngineModel> => {
    if (closed) return Promise.reject(new InputError("the embedded backend is closed", { where: path }));
    loading ??= loadModel(path, {
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.contextSize !== undefined ? { contextSize: options.contextSize } : {}),
      ...(options.gpu !== undefined ? { gpu: options.gpu } : {}),
      ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
      ...(options.queueLimit !== undefined ? { queueLimit: options.queueLimit } : {}),
      ...(options.onLoadProgress !== undefined ? { onLoadProgress: options.onLoadProgress } : {}),
    });
    // A failed load is not remembered: the next request tries again (the file may have been fixed).
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };

  async function* stream(request: GenerateRequest): AsyncGenerator<Part, void, undefined> {
    let model: EngineModel;
    try {
      model = await ready();
      checkModelName(request.model, model);
    } catch (error) {
      yield { type: "error", error: error instanceof Error ? error : new Error(String(error)) };
      return;
    }
    const format = request.responseFormat;
    const formatProblem = format === undefined ? undefined : finalFormatProblem(format);
    const parts = model.generate({
      conversation: conversationForRendering(request),
      ...(format !== undefined && formatProblem === undefined ? { finalFormat: format } : {}),
      ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.signal !== undefined ? { signal: request.signal } : {}),
    });
    // A call that names no tool (or one not offered) is repaired or explained (tool-call-check.ts).
    const noticed = checkedParts(parts, request);
    const gpuWarning = gpuWarned ? undefined : model.info.gpuWarning;
    const notices = [formatProblem && `${formatProblem}; the answer is checked, not constrained`, gpuWarning];
    if (notices.every((notice) => notice === undefined)) {
      yield* noticed;
      return;
    }
    for await (const part of noticed) {
      if (part.type !== "finish") yield part;
      else {
        if (gpuWarning !== undefined) gpuWarned = true;
        const notice = [part.notice, ...notices].filter((text) => text !== undefined).join("; ");
        yield { ...part, notice };
      }
    }
  }

  return {
    kind: "embedded",
    location: path,
    capabilities: EMBEDDED_CAPABILITIES,
    ready,
    stream,
    async listModels(): Promise<ModelInfo[]> {
      return [modelInfo(await ready())];
    },
    async close(): Promise<void> {
      closed = true;
      const model = loading;
      loading = undefined;
      if (given === undefined) await (await model?.catch(() => undefined))?.dispose();
    },
  };
}

/** The names a request may use for the one model this backend serves: its path, file name or GGUF name. */
function checkModelName(requested: string | undefined, model: EngineModel): void {
  if (requested === undefined) return;
  const { path, name } = model.info;
  if (requested === path || requested === basename(path) || requested === name) return;
  throw new InputError(`model "${requested}" is not the one this embedded backend serves (${path})`, {
    where: "request.model",
    hint: `omit model, or create another embedded backend for ${requested}`,
  });
}

function modelInfo(model: EngineModel): ModelInfo {
  const { info } = model;
  return {
    id: info.path,
    gptOss: true,
    template: info.template,
    contextLength: info.contextSize,
    details: {
      ...(info.name !== undefined ? { name: info.name } : {}),
      threads: info.threads,
      parallel: info.parallel,
      gpu: info.gpu,
      ...(info.gpuWarning !== undefined ? { gpuWarning: info.gpuWarning } : {}),
      trainContextLength: info.trainContextSize,
      loadMs: Math.round(info.loadMs),
    },
  };
}
