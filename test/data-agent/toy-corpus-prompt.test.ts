/**
 * The toy corpus's data-agent examples are what the real data agent sends and receives (issue 15 item 3): for
 * tables the corpus draws, written as CSV and opened in the real sandbox, the corpus's prompt renders to exactly
 * the token ids of the DataAgent's own prompt (agentConversation over agentSections(sandbox.describe())), and each
 * corpus query, run by real DuckDB, returns exactly the result text the corpus trains on. @overtone/toy may not
 * import overtone, so the corpus writes that text itself (data-agent-prompt.ts, data-tables.ts): this is the
 * check that it stays the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conversation, renderConversationForCompletion } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { agentConversation } from "../../packages/overtone/src/agent/index.js";
import { openSandbox } from "../../packages/overtone/src/data/index.js";
import {
  agentSections,
  CHART_TOOL,
  IDENTITY,
  QUERY_TOOL,
} from "../../packages/overtone/src/data-agent/prompt.js";
import { modelView } from "../../packages/overtone/src/data-agent/result-view.js";
import { dataSplitRandom } from "../../packages/toy/src/corpus/corpus.js";
import { dataAgentPrompt, drawDataAgentPlan } from "../../packages/toy/src/corpus/data-agent-example.js";
import { dataTableCsv } from "../../packages/toy/src/corpus/data-tables.js";

const PLANS = 150;

describe("toy corpus data-agent examples", () => {
  it("render the data agent's own prompt and train on DuckDB's own results", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overtone-toy-data-"));
    try {
      const rng = dataSplitRandom(1, "train");
      const families = new Set<string>();
      for (let i = 0; i < PLANS; i++) {
        const plan = drawDataAgentPlan(rng, "train");
        families.add(plan.question.family);
        const file = join(dir, `${plan.table.name}.csv`);
        writeFileSync(file, dataTableCsv(plan.table));
        const sandbox = await openSandbox([file]);
        try {
          const agent = agentConversation({
            identity: IDENTITY,
            sections: agentSections(sandbox.describe(), plan.charts),
            tools: plan.charts ? [QUERY_TOOL, CHART_TOOL] : [QUERY_TOOL],
            effort: plan.effort,
            date: plan.date ?? false,
            question: plan.question.question,
          });
          const corpus = conversation(dataAgentPrompt(plan));
          expect(renderConversationForCompletion(corpus, "assistant")).toEqual(
            renderConversationForCompletion(agent, "assistant"),
          );
          const result = await sandbox.query(plan.question.sql);
          expect(JSON.stringify(modelView(result)), plan.question.sql).toBe(plan.question.result);
        } finally {
          sandbox.close();
          rmSync(file);
        }
      }
      expect(families.size).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
