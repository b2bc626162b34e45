/**
 * The held-out tool specs of eval:toy-specs (spec-cases.ts) are what they claim: parameter names never trained
 * on that tool, mostly new descriptions, expected calls valid against the declaration, and only trained token ids
 * (the toy can never emit an untrained one).
 */
import { encodeOrdinary, renderConversationForCompletion } from "@overtone/harmony";
import { beforeAll, describe, expect, it } from "vitest";
import { corpusVocabulary, DATA_AGENT_MIX, splitRandom } from "./corpus.js";
import { drawPlan } from "./example-plan.js";
import { checkToolArguments } from "./json-schema.js";
import { heldOutSpecCases, type SpecCase } from "./spec-cases.js";

let cases: SpecCase[];
beforeAll(() => {
  cases = heldOutSpecCases({ seed: 1, count: 200 });
});

/** "get_weather.place": a tool's required parameter under one declared name. */
function requiredNames(tool: { name: string; parameters?: unknown }): string[] {
  const required = (tool.parameters as { required?: string[] } | undefined)?.required ?? [];
  return required.map((p) => `${tool.name}.${p}`);
}

describe("held-out tool spec cases", () => {
  it("are a prefix for a smaller count, and their expected calls validate against the declared tool", () => {
    expect(heldOutSpecCases({ seed: 1, count: 50 })).toEqual(cases.slice(0, 50));
    for (const c of cases) {
      expect(checkToolArguments(c.tool, JSON.stringify(c.arguments)).ok).toBe(true);
      expect(Object.keys(c.renamed).length).toBeGreaterThan(0);
    }
  });

  it("declare parameter names and descriptions the training split never gives that tool", () => {
    const trainNames = new Set<string>();
    const trainDescriptions = new Set<string>();
    const rng = splitRandom(1, "train");
    for (let i = 0; i < 20_000; i++) {
      for (const tool of drawPlan(rng, "train", DATA_AGENT_MIX.restyledShare).tools) {
        for (const name of requiredNames(tool)) trainNames.add(name);
        trainDescriptions.add(`${tool.name}|${tool.description}`);
      }
    }
    for (const c of cases) {
      const renamed = requiredNames(c.tool).filter((n) =>
        Object.keys(c.renamed).includes(n.split(".")[1] ?? ""),
      );
      for (const name of renamed) expect(trainNames.has(name), name).toBe(false);
    }
    const newDescriptions = cases.filter(
      (c) => !trainDescriptions.has(`${c.tool.name}|${c.tool.description}`),
    );
    // A tool whose description templates all fell on the training side keeps its own description.
    expect(newDescriptions.length / cases.length).toBeGreaterThan(0.6);
  });

  it("use only token ids the corpus trains on, prompts and expected calls alike", () => {
    const vocabulary = new Set(corpusVocabulary({ seed: 1, trainCount: 24_000, mix: DATA_AGENT_MIX }));
    for (const c of cases) {
      const ids = [
        ...renderConversationForCompletion(c.conversation, "assistant"),
        ...encodeOrdinary(JSON.stringify(c.arguments)),
      ];
      expect(ids.filter((id) => !vocabulary.has(id))).toEqual([]);
    }
  });
});
