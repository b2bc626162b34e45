/**
 * Shared set-up for the OpenAI-compatible backend tests: the replay kit (test/replay/replay-kit.ts), recorded
 * request bodies, and a backend pointed at a replay server (020–037 vLLM and llama-server, 040 LM Studio, 13x
 * derived).
 */

import type { Part } from "@overtone/harmony";
import {
  createOpenAICompatible,
  type OpenAICompatibleOptions,
} from "../../../packages/overtone/src/backends/openai-compatible/index.js";
import type { ReplayServer } from "../../replay/replay-server.js";
import { loadWireFixture } from "../../replay/wire-fixture.js";

export * from "../../replay/replay-kit.js";

/** The JSON body of the recorded request of exchange `index`. */
export function recordedRequest(file: string, index = 0): Record<string, unknown> {
  const body = loadWireFixture(file).exchanges[index]?.request?.body;
  if (body === undefined) throw new Error(`${file} has no request ${index}`);
  return JSON.parse(body) as Record<string, unknown>;
}

export function openai(server: ReplayServer, options: Partial<OpenAICompatibleOptions> = {}) {
  return createOpenAICompatible({
    baseURL: server.url,
    flavor: "llama-server",
    model: "openai/gpt-oss-20b",
    ...options,
  });
}

/** Part types without the deltas: the shape of a stream. */
export function shapeOf(parts: Part[]): string[] {
  return parts.map((p) => p.type).filter((t) => !t.endsWith("-delta"));
}
