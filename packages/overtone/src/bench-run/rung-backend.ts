/**
 * Opens the backend of one ladder rung and loads its model, timing the load apart from any call (reference A6.4:
 * load time is "cold start", never part of a TTFT). The embedded model is loaded here and closed after its rung,
 * so one model is in memory at a time; a server rung is probed (its model list) so an unreachable server or a
 * model Ollama has not pulled is found before the first call and recorded as a load failure, not N call errors.
 */
import { stat } from "node:fs/promises";
import { ConfigError } from "@overtone/errors";
import { conversation, message } from "@overtone/harmony";
import type { Backend, GenerateRequest } from "../backends/contract.js";
import { createBackend } from "../backends/create-backend.js";
import type { EmbeddedBackend } from "../backends/embedded/index.js";
import type { BackendKind } from "../bench/call-record.js";
import { assistRungBackend } from "./assist-rung.js";
import type { LadderBackend, LadderModel } from "./ladder-file.js";

/** The usual address of each server make, when the ladder gives none. */
const DEFAULT_URLS: Partial<Record<LadderBackend, string>> = {
  "llama-server": "http://127.0.0.1:8080/v1",
  vllm: "http://127.0.0.1:8000/v1",
  lmstudio: "http://127.0.0.1:1234/v1",
  ollama: "http://127.0.0.1:11434",
  assist: "http://127.0.0.1:8080",
};

/** The record's `backend_kind` for each ladder backend (the record spells LM Studio `lm-studio`). */
const RECORD_KINDS: Record<LadderBackend, BackendKind> = {
  embedded: "embedded",
  "llama-server": "llama-server",
  ollama: "ollama",
  vllm: "vllm",
  lmstudio: "lm-studio",
  "openai-compatible": "openai-compatible",
  gateway: "gateway",
  assist: "assist",
};

export interface OpenRung {
  backend: Backend;
  recordKind: BackendKind;
  /** Where calls go: the server URL, or `embedded`. */
  endpoint: string;
  /**
   * Time to load the model into this process (embedded), ms; null for a server, which loads on its own schedule
   * (Ollama on the first request, reporting it as the call's server load time; llama-server before it listens).
   */
  loadMs: number | null;
  /** The model file, for the env block and the record (embedded only). */
  modelFile: string | null;
  modelSizeBytes: number | null;
  /** How the embedded engine runs it (llama-bench's n_threads, context, GPU fields); empty for a server. */
  engineSettings: Record<string, unknown>;
}

/** Opens and loads the rung's model; throws (with the reason) when it cannot, after releasing what it opened. */
export async function openRung(rung: LadderModel, concurrency: number): Promise<OpenRung> {
  // Finding the file (or downloading it) is not loading: the clock starts after createBackend resolved it.
  const backend = await createRungBackend(rung, concurrency);
  try {
    const started = performance.now();
    let loadMs: number | null = null;
    let engineSettings: Record<string, unknown> = {};
    if ("ready" in backend && typeof backend.ready === "function") {
      const { info } = await (backend as EmbeddedBackend).ready();
      loadMs = performance.now() - started;
      const { threads, contextSize, parallel, gpu } = info;
      engineSettings = { threads, context_size: contextSize, parallel, gpu: gpu === false ? "none" : gpu };
    } else await probeServer(backend, rung);
    const modelFile = rung.backend === "embedded" ? backend.location : null;
    const size =
      modelFile === null
        ? null
        : await stat(modelFile).then(
            (s) => s.size,
            () => null,
          );
    const endpoint = rung.backend === "embedded" ? "embedded" : backend.location;
    return {
      backend,
      recordKind: RECORD_KINDS[rung.backend],
      endpoint,
      loadMs,
      modelFile,
      modelSizeBytes: size,
      engineSettings,
    };
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
}

export async function createRungBackend(rung: LadderModel, concurrency: number): Promise<Backend> {
  if (rung.backend === "embedded") {
    return createBackend({ kind: "embedded", model: rung.model as string, parallel: concurrency });
  }
  const baseURL = rung.url ?? (DEFAULT_URLS[rung.backend] as string);
  if (rung.backend === "assist") return assistRungBackend(baseURL);
  const model = rung.model !== undefined ? { model: rung.model } : {};
  if (rung.backend === "ollama") return createBackend({ kind: "ollama", baseURL, ...model });
  const flavor = rung.backend === "llama-server" || rung.backend === "vllm" || rung.backend === "lmstudio";
  return createBackend({
    kind: "openai-compatible",
    baseURL,
    ...model,
    ...(flavor ? { flavor: rung.backend as "llama-server" | "vllm" | "lmstudio" } : {}),
  });
}

/**
 * Closes the rung's backend, and asks Ollama to unload its model (a one-token request with `keep_alive: 0`):
 * Ollama keeps a model resident for minutes after its last request, so the next rung would otherwise be measured
 * beside it in memory (promptfoo's serial runs have that flaw, reference A1). llama-server and vLLM serve the
 * model they were started with: nothing to unload from here. Failures are ignored: the rung is already recorded.
 */
export async function releaseRung(open: OpenRung, rung: LadderModel): Promise<void> {
  await open.backend.close().catch(() => undefined);
  if (rung.backend !== "ollama" || rung.model === undefined) return;
  const baseURL = rung.url ?? (DEFAULT_URLS.ollama as string);
  const unloader = await createBackend({ kind: "ollama", baseURL, model: rung.model, keepAlive: 0 });
  try {
    const request = { conversation: conversation([message("user", "ok")]), maxTokens: 1 };
    for await (const _part of unloader.stream({ ...request, signal: AbortSignal.timeout(60_000) })) {
      // drained: the request's end is what unloads the model
    }
  } catch {
    // best effort
  } finally {
    await unloader.close().catch(() => undefined);
  }
}

/** The server answers its model list, and (Ollama, which serves only what was pulled) has the model. */
async function probeServer(backend: Backend, rung: LadderModel): Promise<void> {
  const models = await backend.listModels(AbortSignal.timeout(30_000));
  if (rung.backend !== "ollama" || rung.model === undefined) return;
  const wanted = rung.model.includes(":") ? rung.model : `${rung.model}:latest`;
  if (!models.some((m) => m.id === rung.model || m.id === wanted)) {
    throw new ConfigError(`Ollama at ${backend.location} has no model "${rung.model}"`, {
      where: `models: ${rung.name}`,
      hint: `ollama pull ${rung.model} (ollama list shows what it has)`,
    });
  }
}

/** The request for a rung: the ladder's sampling, gpt-oss's (temperature 1, top_p 1) where a gpt-oss rung sets none. */
export function rungSampling(
  rung: LadderModel,
  ladderMaxTokens: number | undefined,
): Omit<GenerateRequest, "conversation"> {
  const { temperature, topP, seed, effort, maxTokens, route } = rung.params;
  const gptOss = rung.harmony;
  const budget = maxTokens ?? ladderMaxTokens;
  return {
    ...(temperature !== undefined ? { temperature } : gptOss ? { temperature: 1 } : {}),
    ...(topP !== undefined ? { topP } : gptOss ? { topP: 1 } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(effort !== undefined && gptOss ? { effort } : {}),
    ...(budget !== undefined ? { maxTokens: budget } : {}),
    // A model that does not speak Harmony must get the server's own chat template, never a rendered Harmony prompt.
    ...(route !== undefined ? { route } : !gptOss && rung.backend !== "embedded" ? { route: "chat" } : {}),
    ...(rung.model !== undefined && rung.backend !== "embedded" ? { model: rung.model } : {}),
  };
}
