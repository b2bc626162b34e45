/**
 * A backend that answers every request with the same Part script: for the gateway's own tests (routing, limits,
 * errors, metrics), where the model's behaviour is not what is tested. What a model really sends is tested with
 * the embedded toy model, a real llama-server and replays of recorded server traffic (test/gateway/*-clients).
 */
import type { Part } from "@overtone/harmony";
import type { Backend, GenerateRequest } from "../../packages/overtone/src/backends/contract.js";

/** The usual script: a reasoning message then an answer (parts-fixtures.ts). */
export { answerParts } from "./parts-fixtures.js";

export interface ScriptedBackend extends Backend {
  /** Every request the gateway passed on, in order. */
  readonly requests: GenerateRequest[];
}

/** What a test double says it can do: a server with native Harmony handling and a chat API only. */
export const SCRIPTED_CAPABILITIES = Object.freeze({
  rawPrompt: false,
  nativeHarmony: true,
  reasoningEffort: true,
  tools: true,
  logprobs: false,
  tokenCounts: true,
});

export function scriptedBackend(script: (request: GenerateRequest) => Part[]): ScriptedBackend {
  const requests: GenerateRequest[] = [];
  return {
    kind: "scripted",
    location: "test",
    capabilities: SCRIPTED_CAPABILITIES,
    requests,
    async *stream(request) {
      requests.push(request);
      for (const part of script(request)) {
        if (request.signal?.aborted) {
          yield { type: "finish", reason: "aborted" };
          return;
        }
        yield part;
      }
    },
    async listModels() {
      return [{ id: "scripted", gptOss: true }];
    },
    async close() {},
  };
}
