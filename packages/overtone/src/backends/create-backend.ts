/**
 * One entry point that turns "which backend, where, which model" into a `Backend`, so the CLI and library users
 * choose a backend the same way. Each kind takes every option of its own factory (`createEmbedded`,
 * `createOllama`, `createOpenAICompatible`) under the same names, and nothing else: an option of another kind is
 * a type error. The embedded backend resolves its model first (a local path, `tiny`, `toy`, or a Hugging Face
 * reference that is downloaded once into the cache); it has no default model, since the library must never start
 * a 12 GB download nobody asked for (the CLI's `--model` default is the CLI's own choice). The server kinds'
 * modules load when asked for, so the embedded CLI path does not compile them (~35 ms of a cold start).
 */

import { ConfigError } from "@overtone/errors";
import type { EngineModel } from "../engine/index.js";
import { type ResolveModelOptions, resolveModel } from "../engine/models/index.js";
import type { Backend, HttpBackendOptions } from "./contract.js";
import { createEmbedded, type EmbeddedBackend, type EmbeddedBackendOptions } from "./embedded/index.js";
import type { OllamaBackend, OllamaBackendOptions } from "./ollama/index.js";
import type { OpenAICompatibleOptions } from "./openai-compatible/index.js";

export const BACKEND_KINDS = ["embedded", "ollama", "openai-compatible"] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** Where each server listens when installed with its defaults (Ollama; llama-server, whose `/v1` vLLM shares). */
export const DEFAULT_URLS: Readonly<Record<Exclude<BackendKind, "embedded">, string>> = Object.freeze({
  ollama: "http://127.0.0.1:11434",
  "openai-compatible": "http://127.0.0.1:8080/v1",
});

/** An HTTP factory's options, with the base URL defaulting to DEFAULT_URLS and an API key shortcut. */
type ServerOptions<O extends HttpBackendOptions> = Omit<O, "baseURL"> & {
  /** Default: DEFAULT_URLS[kind], the server's address on this machine. */
  baseURL?: string;
  /** Sent as `authorization: Bearer <apiKey>` (an `authorization` in `headers` wins). */
  apiKey?: string;
};

/**
 * gpt-oss in this process. `model`: a `.gguf` path, `tiny` (made offline in a second), `toy` (the shipped toy
 * model), `gpt-oss-20b` (downloaded once, 12 GB), `owner/repo/file.gguf`, `owner/repo:quant`, an https URL, or
 * a model already loaded with `loadModel`. The resolving options (`onProgress`, `signal`, `cacheDir`, `offline`,
 * `fetch`, …) apply to finding or downloading the file.
 */
export interface CreateEmbeddedBackendOptions
  extends Omit<EmbeddedBackendOptions, "model">,
    ResolveModelOptions {
  kind: "embedded";
  model: string | EngineModel;
}

/** Ollama's native API: `createOllama`'s options. */
export interface CreateOllamaBackendOptions extends ServerOptions<OllamaBackendOptions> {
  kind: "ollama";
}

/** vLLM, llama-server, LM Studio (Chat Completions or Responses): `createOpenAICompatible`'s options. */
export interface CreateOpenAICompatibleBackendOptions extends ServerOptions<OpenAICompatibleOptions> {
  kind: "openai-compatible";
}

export type CreateBackendOptions =
  | CreateEmbeddedBackendOptions
  | CreateOllamaBackendOptions
  | CreateOpenAICompatibleBackendOptions;

export function createBackend(options: CreateEmbeddedBackendOptions): Promise<EmbeddedBackend>;
export function createBackend(options: CreateOllamaBackendOptions): Promise<OllamaBackend>;
export function createBackend(options: CreateOpenAICompatibleBackendOptions): Promise<Backend>;
export function createBackend(options: CreateBackendOptions): Promise<Backend>;
export async function createBackend(options: CreateBackendOptions): Promise<Backend> {
  switch (options.kind) {
    case "embedded":
      return embedded(options);
    case "ollama": {
      const { kind: _kind, apiKey, baseURL, ...rest } = options;
      const { createOllama } = await import("./ollama/index.js");
      return createOllama({ ...rest, ...serverAt("ollama", baseURL, apiKey, rest.headers) });
    }
    case "openai-compatible": {
      const { kind: _kind, apiKey, baseURL, ...rest } = options;
      const { createOpenAICompatible } = await import("./openai-compatible/index.js");
      return createOpenAICompatible({
        ...rest,
        ...serverAt("openai-compatible", baseURL, apiKey, rest.headers),
      });
    }
    default:
      // Reached from JavaScript, or with a kind spelled as the CLI's `--backend openai`.
      throw new ConfigError(`unknown backend kind ${JSON.stringify((options as { kind?: unknown }).kind)}`, {
        where: "createBackend({ kind })",
        hint: `use one of: ${BACKEND_KINDS.join(", ")}`,
      });
  }
}

async function embedded(options: CreateEmbeddedBackendOptions): Promise<EmbeddedBackend> {
  const {
    kind: _kind,
    model,
    threads,
    contextSize,
    gpu,
    parallel,
    queueLimit,
    onLoadProgress,
    ...resolving
  } = options;
  if (model === undefined || model === null || (typeof model === "string" && model.trim() === "")) {
    throw new ConfigError("the embedded backend needs a model", {
      where: "createBackend({ kind: 'embedded', model })",
      hint: 'pass model: "toy" (the shipped toy gpt-oss, works offline), a .gguf path, "gpt-oss-20b" to download it (12 GB, once), or "tiny" (random weights: noise, for plumbing tests)',
    });
  }
  const path = typeof model === "string" ? (await resolveModel(model, resolving)).path : model;
  return createEmbedded({
    model: path,
    ...(threads !== undefined ? { threads } : {}),
    ...(contextSize !== undefined ? { contextSize } : {}),
    ...(gpu !== undefined ? { gpu } : {}),
    ...(parallel !== undefined ? { parallel } : {}),
    ...(queueLimit !== undefined ? { queueLimit } : {}),
    ...(onLoadProgress !== undefined ? { onLoadProgress } : {}),
  });
}

function serverAt(
  kind: Exclude<BackendKind, "embedded">,
  baseURL: string | undefined,
  apiKey: string | undefined,
  headers: Record<string, string> | undefined,
): { baseURL: string; headers?: Record<string, string> } {
  const ownAuthorization = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === "authorization");
  const withKey =
    apiKey === undefined || ownAuthorization ? headers : { authorization: `Bearer ${apiKey}`, ...headers };
  return { baseURL: baseURL ?? DEFAULT_URLS[kind], ...(withKey !== undefined ? { headers: withKey } : {}) };
}
