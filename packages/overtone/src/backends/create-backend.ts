/**
 * One entry point that turns "which backend, where, which model" into a `Backend`, so the CLI, the gateway and
 * library users choose a backend the same way. The embedded backend resolves its model first (a local path,
 * `tiny`, or a Hugging Face reference that is downloaded once, with progress, into the cache).
 */

import { InputError } from "@overtone/errors";
import { resolveModel } from "../engine/models/index.js";
import type { ProgressCallback } from "../engine/models/progress.js";
import type { Backend } from "./contract.js";
import { createEmbedded } from "./embedded/index.js";
import { createOllama } from "./ollama/index.js";
import { createOpenAICompatible } from "./openai-compatible/index.js";

export const BACKEND_KINDS = ["embedded", "ollama", "openai"] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

export const DEFAULT_URLS: Record<Exclude<BackendKind, "embedded">, string> = {
  ollama: "http://127.0.0.1:11434",
  openai: "http://127.0.0.1:8080/v1",
};

export interface BackendChoice {
  kind: BackendKind;
  /** Server URL (HTTP backends). */
  url?: string;
  /** Embedded: a path, `tiny` or a Hugging Face reference (default gpt-oss-20b). Servers: the model name. */
  model?: string;
  threads?: number;
  onDownloadProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export async function createBackend(choice: BackendChoice): Promise<Backend> {
  switch (choice.kind) {
    case "embedded": {
      if (choice.url !== undefined) {
        throw new InputError("--url does not apply to the embedded backend", {
          where: "--url",
          hint: "use --backend ollama or --backend openai to talk to a server",
        });
      }
      const resolved = await resolveModel(choice.model ?? "gpt-oss-20b", {
        ...(choice.onDownloadProgress ? { onProgress: choice.onDownloadProgress } : {}),
        ...(choice.signal ? { signal: choice.signal } : {}),
      });
      return createEmbedded({
        model: resolved.path,
        ...(choice.threads !== undefined ? { threads: choice.threads } : {}),
      });
    }
    case "ollama":
      return createOllama({
        baseURL: choice.url ?? DEFAULT_URLS.ollama,
        ...(choice.model !== undefined ? { model: choice.model } : {}),
      });
    case "openai":
      return createOpenAICompatible({
        baseURL: choice.url ?? DEFAULT_URLS.openai,
        ...(choice.model !== undefined ? { model: choice.model } : {}),
      });
  }
}
