/**
 * Structured output enforced on the embedded engine through the gateway (issue 14 item 4), with real clients:
 * the `openai` SDK's `response_format` json_schema (strict) and ollama-js's `format` schema, against the toy
 * gpt-oss. The grammar holds on the final channel only, so the reply still carries the model's free reasoning,
 * and the answer parses and matches the schema; the gateway's own check counts no invalid answer.
 */
import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedded } from "../../packages/overtone/src/backends/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { schemaProblem } from "../../packages/overtone/src/gateway/json-schema-check.js";
import { toyModelPath } from "../support/toy-model.js";
import { type RunningGateway, startGateway } from "./gateway-harness.js";

const SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, temperature: { type: "integer" } },
  required: ["city", "temperature"],
  additionalProperties: false,
};
const ASK = "What's the weather in Paris?";
/**
 * The same with the city's length bounded: the grammar then closes the string, where the toy, left free, can
 * ramble inside it past any budget (which seed it does that for moves with the date in the system message).
 */
const BOUNDED_SCHEMA = {
  ...SCHEMA,
  properties: { city: { type: "string", maxLength: 24 }, temperature: { type: "integer" } },
};

let running: RunningGateway;

beforeAll(async () => {
  // One thread: the same samples on every machine.
  const backend = createEmbedded({ model: await toyModelPath(), contextSize: 2048, threads: 1 });
  await backend.ready();
  running = await startGateway([{ name: "toy", backend }]);
}, 120_000);
afterAll(async () => {
  await running?.close();
  for (const model of running?.gateway.models.all() ?? []) await model.backend.close();
  await disposeEngineLlama();
});

async function invalidAnswers(): Promise<number> {
  const text = await (await fetch(`${running.base}/metrics`)).text();
  return Number(/gateway:structured_output_invalid_total\{model_name="toy"\} (\d+)/.exec(text)?.[1] ?? 0);
}

describe("structured output on the embedded model through the gateway", () => {
  it("answers the openai SDK's strict json_schema with valid JSON, its reasoning free", async () => {
    const openai = new OpenAI({ baseURL: `${running.base}/v1`, apiKey: "unused", maxRetries: 0 });
    let complete = 0;
    for (const seed of [1, 2, 3]) {
      const reply = await openai.chat.completions.create({
        model: "toy",
        messages: [{ role: "user", content: ASK }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "weather", schema: BOUNDED_SCHEMA, strict: true },
        },
        seed,
        max_completion_tokens: 300,
      });
      const choice = reply.choices[0];
      const reasoning = (choice?.message as { reasoning?: string } | undefined)?.reasoning ?? "";
      expect(reasoning.trim()).not.toBe("");
      expect(reasoning.trimStart().startsWith("{")).toBe(false);
      expect(choice?.message.content?.startsWith("{")).toBe(true);
      if (choice?.finish_reason !== "stop") continue;
      expect(schemaProblem(JSON.parse(choice.message.content ?? ""), BOUNDED_SCHEMA)).toBeUndefined();
      complete++;
    }
    expect(complete).toBeGreaterThan(0);
    expect(await invalidAnswers()).toBe(0);
  });

  it("answers ollama-js's format schema with valid JSON, streamed", async () => {
    const ollama = new Ollama({ host: running.base });
    const stream = await ollama.chat({
      model: "toy",
      messages: [{ role: "user", content: ASK }],
      format: BOUNDED_SCHEMA,
      think: true,
      stream: true,
      options: { seed: 1, num_predict: 300 },
    });
    let content = "";
    let thinking = "";
    let done: string | undefined;
    for await (const chunk of stream) {
      content += chunk.message.content;
      thinking += chunk.message.thinking ?? "";
      if (chunk.done) done = chunk.done_reason;
    }
    expect(thinking.trim()).not.toBe("");
    expect(done).toBe("stop");
    const answer = JSON.parse(content) as { city: string };
    expect(schemaProblem(answer, BOUNDED_SCHEMA)).toBeUndefined();
    expect(answer.city.length).toBeLessThanOrEqual(24);
    expect(await invalidAnswers()).toBe(0);
  });

  it("keeps to the listed properties when a schema does not say whether others are allowed", async () => {
    const ollama = new Ollama({ host: running.base });
    const format = { type: "object", properties: { answer: { type: "integer" } }, required: ["answer"] };
    const reply = await ollama.chat({
      model: "toy",
      messages: [{ role: "user", content: "What is 12 + 7?" }],
      format,
      think: true,
      options: { seed: 1, num_predict: 300 },
    });
    expect(reply.done_reason).toBe("stop");
    expect(Object.keys(JSON.parse(reply.message.content))).toEqual(["answer"]);
  });
});
