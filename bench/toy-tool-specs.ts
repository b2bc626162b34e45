/**
 * `npm run eval:toy-specs [-- --model PATH] [--count N]`: does the toy call tools declared by others (issue 15
 * item 3)? Held-out cases (packages/toy/src/corpus/spec-cases.ts): the fitting tool declared with parameter
 * names, descriptions and notes never trained for it, sometimes extra optional parameters, among other tools.
 * Each case's tools are written as a `--tools` file in both shapes the CLI accepts — Harmony's `{name,
 * description, parameters}` and OpenAI's `{type: "function", function: …}` — and read back by the CLI's own
 * reader (cli/tools-file.ts), then the toy answers greedy through the embedded engine. Scored: a call to the
 * fitting tool whose arguments validate against the declared schema (goal ≥ 85 %), and whether they are also the
 * arguments the question implies. Exits 1 when the goal is missed.
 */
import {
  conversation,
  developerMessage,
  type Message,
  parseCompletionTokens,
  renderConversationForCompletion,
  type ToolDescription,
  withFunctionTools,
} from "@overtone/harmony";
import { toolsFromJson } from "../packages/overtone/src/cli/tools-file.js";
import { loadModel } from "../packages/overtone/src/engine/index.js";
import { checkToolArguments } from "../packages/toy/src/corpus/json-schema.js";
import { heldOutSpecCases } from "../packages/toy/src/corpus/spec-cases.js";
import { toyModelPath } from "../test/support/toy-model.js";

export const SPEC_GOAL = 0.85;

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The tools as a user's file in one of the two shapes, read back the way `--tools FILE` reads it. */
function throughToolsFile(tools: readonly ToolDescription[], shape: "harmony" | "openai"): ToolDescription[] {
  const file = shape === "harmony" ? tools : tools.map((tool) => ({ type: "function", function: tool }));
  return toolsFromJson(JSON.parse(JSON.stringify(file)), `${shape}-tools.json`);
}

const path = flag("--model") ?? (await toyModelPath());
const count = Number(flag("--count") ?? 100);
const cases = heldOutSpecCases({ seed: 1, count });
const model = await loadModel(path, { threads: 1, contextSize: 2048 });
console.log(`model: ${path}; ${count} held-out tool specs × 2 file shapes, greedy`);
let total = 0;
let valid = 0;
let right = 0;
try {
  for (const shape of ["harmony", "openai"] as const) {
    let shapeValid = 0;
    for (const [i, c] of cases.entries()) {
      const [system, , user] = c.conversation.messages as [Message, Message, Message];
      const tools = throughToolsFile(c.tools, shape);
      const prompt = conversation([system, developerMessage(withFunctionTools({}, tools)), user]);
      const ids: number[] = [];
      const rendered = renderConversationForCompletion(prompt, "assistant");
      for await (const id of model.tokens(rendered, { temperature: 0, maxTokens: 160 })) ids.push(id);
      let problem = "";
      let args = "";
      try {
        const messages = parseCompletionTokens(ids, { role: "assistant", strict: true });
        const call = messages.find((m) => m.terminator === "call")?.message;
        if (call?.recipient !== `functions.${c.tool.name}`) problem = `no call to ${c.tool.name}`;
        else {
          args = call.content.map((part) => (part.type === "text" ? part.text : "")).join("");
          const check = checkToolArguments(c.tool, args);
          if (!check.ok) problem = check.problems.join("; ");
        }
      } catch (error) {
        problem = `unparsed: ${(error as Error).message.slice(0, 80)}`;
      }
      total++;
      if (problem === "") {
        valid++;
        shapeValid++;
        if (JSON.stringify(JSON.parse(args)) === JSON.stringify(c.arguments)) right++;
      } else {
        const renamed = Object.entries(c.renamed).map(([to, from]) => `${from}→${to}`);
        console.log(`  ${shape} case ${i} ${c.tool.name} (${renamed.join(", ")}): ${problem} ${args}`);
      }
    }
    console.log(`${shape} shape: ${shapeValid}/${cases.length} calls valid against the declared schema`);
  }
} finally {
  await model.dispose();
}
const rate = valid / total;
console.log(
  `\nheld-out tool specs: ${valid}/${total} valid (${(rate * 100).toFixed(1)} %, goal ≥ ${SPEC_GOAL * 100} %); ` +
    `${right}/${total} with exactly the implied arguments`,
);
if (rate < SPEC_GOAL) process.exitCode = 1;
