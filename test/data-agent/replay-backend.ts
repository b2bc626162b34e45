/**
 * A backend that answers each request with the next of a list of model outputs (Harmony text as the model
 * wrote it after `<|start|>assistant`), parsed into Parts by `@overtone/harmony`'s own parser — for tests of the
 * data agent's loop where gpt-oss cannot run. Each output is either recorded real traffic (a fixture file with
 * its source, test/fixtures/data-agent/README.md) or scripted by the test and labelled so. Every request is
 * kept, so a test can check what the model was shown (isolation, effort, memory).
 */
import { readFileSync } from "node:fs";
import { type Part, partsFromText } from "@overtone/harmony";
import type { Backend, GenerateRequest } from "../../packages/overtone/src/backends/contract.js";

export const FIXTURE_DIR = new URL("../fixtures/data-agent/", import.meta.url);

export function recordedOutput(name: string): string {
  return readFileSync(new URL(name, FIXTURE_DIR), "utf8");
}

/** A tool call to the data agent's `query` tool, as gpt-oss writes one (analysis first, then the call). */
export function queryCall(sql: string, thought = "Query the table."): string {
  return `<|channel|>analysis<|message|>${thought}<|end|><|start|>assistant<|channel|>commentary to=functions.query <|constrain|>json<|message|>${JSON.stringify({ sql })}<|call|>`;
}

export function chartCall(spec: unknown): string {
  return `<|channel|>commentary to=functions.chart <|constrain|>json<|message|>${JSON.stringify({ spec })}<|call|>`;
}

export function finalAnswer(text: string): string {
  return `<|channel|>analysis<|message|>Answer from the result.<|end|><|start|>assistant<|channel|>final<|message|>${text}<|return|>`;
}

export class ReplayBackend implements Backend {
  readonly kind = "replay";
  readonly location = "replayed model outputs";
  readonly capabilities = {
    rawPrompt: true,
    nativeHarmony: false,
    reasoningEffort: true,
    tools: true,
    logprobs: false,
    tokenCounts: false,
  };
  readonly requests: GenerateRequest[] = [];
  readonly #outputs: string[];

  constructor(outputs: readonly string[]) {
    this.#outputs = [...outputs];
  }

  /** Outputs not asked for yet (a test checks the agent asked exactly as many times as expected). */
  get left(): number {
    return this.#outputs.length;
  }

  stream(request: GenerateRequest): AsyncIterable<Part> {
    this.requests.push(request);
    const output = this.#outputs.shift();
    if (output === undefined) throw new Error(`replay: request ${this.requests.length} has no output left`);
    return partsFromText([output], {
      role: "assistant",
      ...(request.signal ? { signal: request.signal } : {}),
    });
  }

  async listModels() {
    return [{ id: "replay" }];
  }

  async close(): Promise<void> {}
}
