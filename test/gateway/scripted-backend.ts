/**
 * A backend that answers every request with the same Part script: for the gateway's own tests (routing, limits,
 * errors, metrics), where the model's behaviour is not what is tested. What a model really sends is tested with
 * the embedded toy model, a real llama-server and replays of recorded server traffic (test/gateway/*-clients).
 */
import type { Part } from "@overtone/harmony";
import type { Backend, GenerateRequest } from "../../packages/overtone/src/backends/contract.js";

export interface ScriptedBackend extends Backend {
  /** Every request the gateway passed on, in order. */
  readonly requests: GenerateRequest[];
}

export function scriptedBackend(script: (request: GenerateRequest) => Part[]): ScriptedBackend {
  const requests: GenerateRequest[] = [];
  return {
    kind: "scripted",
    location: "test",
    capabilities: {
      rawPrompt: false,
      nativeHarmony: true,
      reasoningEffort: true,
      tools: true,
      logprobs: false,
      tokenCounts: true,
    },
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

/** A reasoning message then an answer, as the parts of one turn. */
export function answerParts(reasoning: string, answer: string): Part[] {
  const analysis = { role: "assistant" as const, channel: "analysis" };
  const final = { role: "assistant" as const, channel: "final" };
  return [
    { type: "analysis-start", id: "m0", ...analysis },
    { type: "analysis-delta", id: "m0", delta: reasoning },
    {
      type: "analysis-end",
      id: "m0",
      text: reasoning,
      terminator: "end",
      message: {
        author: { role: "assistant" },
        channel: "analysis",
        content: [{ type: "text", text: reasoning }],
      },
    },
    { type: "final-start", id: "m1", ...final },
    { type: "final-delta", id: "m1", delta: answer },
    {
      type: "final-end",
      id: "m1",
      text: answer,
      terminator: "return",
      message: { author: { role: "assistant" }, channel: "final", content: [{ type: "text", text: answer }] },
    },
    { type: "finish", reason: "stop", usage: { inputTokens: 20, outputTokens: 9, reasoningTokens: 4 } },
  ];
}
