/**
 * The toy can never write a token id it was not trained on (docs/toy-model.md, "Vocabulary"), and reads an
 * untrained one as noise: every prompt `npm run eval:data-agent` sends it — the data agent's real prompt over the
 * evaluation's held-out tables, through the real sandbox's description — must use only ids of the toy corpus
 * (seed 1), and so must the values a right answer names.
 */
import { encodeOrdinary, renderConversationForCompletion } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { generateDatasets, writeDatasets } from "../../bench/data-agent-cases.js";
import { agentConversation } from "../../packages/overtone/src/agent/index.js";
import { openSandbox } from "../../packages/overtone/src/data/index.js";
import {
  agentSections,
  CHART_TOOL,
  IDENTITY,
  QUERY_TOOL,
} from "../../packages/overtone/src/data-agent/prompt.js";
import { corpusVocabulary, DATA_AGENT_MIX } from "../../packages/toy/src/corpus/index.js";

/** The datasets of `eval:data-agent --per-family 20` (seed 1): twice the default run. */
const DATASETS = 20;

describe("eval:data-agent prompts and the toy's vocabulary", () => {
  it("use only token ids the toy corpus trains on", async () => {
    const vocabulary = new Set(corpusVocabulary({ seed: 1, trainCount: 24_000, mix: DATA_AGENT_MIX }));
    const { datasets, remove } = writeDatasets(generateDatasets(1, DATASETS));
    try {
      for (const dataset of datasets) {
        const sandbox = await openSandbox([dataset.file]);
        try {
          for (const c of dataset.cases) {
            const prompt = agentConversation({
              identity: IDENTITY,
              sections: agentSections(sandbox.describe(), true),
              tools: [QUERY_TOOL, CHART_TOOL],
              effort: "high",
              date: false,
              question: c.question,
            });
            const ids = renderConversationForCompletion(prompt, "assistant");
            const names =
              c.expected.kind === "names" ? encodeOrdinary(` ${c.expected.names.join(" and ")}`) : [];
            const unseen = [...ids, ...names].filter((id) => !vocabulary.has(id));
            expect(unseen, c.question).toEqual([]);
          }
        } finally {
          sandbox.close();
        }
      }
    } finally {
      remove();
    }
  }, 120_000);
});
