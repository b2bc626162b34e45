/**
 * Shared set-up for the Ollama backend tests: the replay kit (test/replay/replay-kit.ts) and a backend pointed at
 * a replay server.
 */
import {
  createOllama,
  type OllamaBackendOptions,
} from "../../../packages/overtone/src/backends/ollama/index.js";
import type { ReplayServer } from "../../replay/replay-server.js";

export * from "../../replay/replay-kit.js";

export function ollama(server: ReplayServer, options: Partial<OllamaBackendOptions> = {}) {
  return createOllama({ baseURL: server.url, model: "gpt-oss:20b", ...options });
}
