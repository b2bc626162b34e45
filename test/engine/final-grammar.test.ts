/**
 * Structured output on the embedded engine (issue 14 item 4), on the trained toy gpt-oss (it really reasons in
 * analysis and answers in final): a `json_schema` format is enforced with llama.cpp's grammar on the final channel
 * only. The same seed with and without the format gives the same analysis token for token (the grammar is off
 * there, so sampling is untouched) and a final answer that is prose without it and schema-valid JSON with it.
 * Through the embedded backend: the schema reaches the prompt as gpt-oss's "# Response Formats" section, and a
 * schema no grammar can express leaves the answer free with a notice saying so. One thread: the same samples
 * on every machine (a different split of the work changes the last bits of the logits).
 */
import { conversation, message, type Part, systemContent, systemMessage } from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateRequest } from "../../packages/overtone/src/backends/contract.js";
import { createEmbedded, type EmbeddedBackend } from "../../packages/overtone/src/backends/embedded/index.js";
import { conversationForRendering } from "../../packages/overtone/src/backends/gpt-oss-profile.js";
import {
  disposeEngineLlama,
  type EngineModel,
  type FinalFormat,
} from "../../packages/overtone/src/engine/index.js";
import { schemaProblem } from "../../packages/overtone/src/gateway/json-schema-check.js";
import { toyModelPath } from "../support/toy-model.js";

const SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, temperature: { type: "integer" } },
  required: ["city", "temperature"],
  additionalProperties: false,
};
const SEEDS = [1, 2, 3];

let backend: EmbeddedBackend;
let model: EngineModel;

beforeAll(async () => {
  backend = createEmbedded({ model: await toyModelPath(), contextSize: 1024, threads: 1 });
  model = await backend.ready();
}, 120_000);
afterAll(async () => {
  await backend?.close();
  await disposeEngineLlama();
});

const weather = () =>
  conversation([
    systemMessage(systemContent({ reasoning_effort: "Low" })),
    message("user", "What's the weather in Paris?"),
  ]);

interface Turn {
  analysis: string;
  final: string;
  finish: Part | undefined;
}

async function collect(parts: AsyncIterable<Part>): Promise<Turn> {
  const turn: Turn = { analysis: "", final: "", finish: undefined };
  for await (const part of parts) {
    if (part.type === "analysis-delta") turn.analysis += part.delta;
    if (part.type === "final-delta") turn.final += part.delta;
    if (part.type === "finish" || part.type === "error") turn.finish = part;
  }
  return turn;
}

const engineTurn = (seed: number, finalFormat?: FinalFormat) =>
  collect(
    model.generate({
      conversation: weather(),
      seed,
      maxTokens: 200,
      ...(finalFormat ? { finalFormat } : {}),
    }),
  );

describe("the engine's final-channel grammar", () => {
  it("leaves the analysis exactly as sampled and makes the final answer schema-valid JSON", async () => {
    let prose = 0;
    let complete = 0;
    for (const seed of SEEDS) {
      const free = await engineTurn(seed);
      const constrained = await engineTurn(seed, { type: "json_schema", schema: SCHEMA });
      expect(constrained.analysis).toBe(free.analysis);
      expect(constrained.analysis).not.toBe("");
      expect(constrained.final.startsWith("{")).toBe(true);
      if (!free.final.trimStart().startsWith("{")) prose++;
      // The toy may ramble inside a JSON string until the budget runs out: cut short, and saying so.
      if (constrained.finish?.type === "finish" && constrained.finish.reason === "length") continue;
      expect(constrained.finish).toMatchObject({ type: "finish", reason: "stop" });
      expect(schemaProblem(JSON.parse(constrained.final), SCHEMA)).toBeUndefined();
      complete++;
    }
    // Without the grammar the toy answers in prose: the grammar is what made the answers JSON.
    expect(prose).toBeGreaterThan(0);
    expect(complete).toBeGreaterThanOrEqual(2);
  });

  it("makes a json_object answer an object that ends the turn with <|return|> (finish stop)", async () => {
    for (const seed of SEEDS) {
      const turn = await engineTurn(seed, { type: "json_object" });
      if (turn.finish?.type === "finish" && turn.finish.reason === "length") continue;
      expect(turn.finish).toMatchObject({ type: "finish", reason: "stop" });
      const value: unknown = JSON.parse(turn.final);
      expect(typeof value === "object" && value !== null && !Array.isArray(value)).toBe(true);
    }
  });
});

describe("structured output through the embedded backend", () => {
  const request = (responseFormat: GenerateRequest["responseFormat"]): GenerateRequest => ({
    conversation: weather(),
    seed: 2,
    maxTokens: 200,
    ...(responseFormat ? { responseFormat } : {}),
  });

  it("tells the model the schema and enforces it on the answer", async () => {
    const format = { type: "json_schema" as const, name: "weather", schema: SCHEMA };
    const developer = conversationForRendering({ conversation: weather(), responseFormat: format })
      .messages[1];
    expect(developer?.content).toEqual([
      { type: "text", text: expect.stringContaining(JSON.stringify(SCHEMA)) },
    ]);
    const finishes: string[] = [];
    for (const seed of SEEDS) {
      const turn = await collect(backend.stream({ ...request(format), seed }));
      const reason = turn.finish?.type === "finish" ? turn.finish.reason : "error";
      finishes.push(reason);
      expect(turn.final.startsWith("{")).toBe(true);
      if (reason === "stop") expect(schemaProblem(JSON.parse(turn.final), SCHEMA)).toBeUndefined();
    }
    expect(finishes).toContain("stop");
  });

  it("leaves the answer free, and says so, for a schema no grammar can express", async () => {
    const schema = { allOf: [SCHEMA, { required: ["city"] }] };
    const turn = await collect(backend.stream(request({ type: "json_schema", name: "weather", schema })));
    expect(turn.finish).toMatchObject({ type: "finish" });
    expect((turn.finish as { notice?: string }).notice).toMatch(/uses "allOf".*checked, not constrained/);
  });
});
