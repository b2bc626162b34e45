/**
 * `npm run eval:toy-tools [-- --model PATH] [--count N]`: does the toy model read the tool list? Questions that
 * need a tool the developer message does not list while other tools are listed (the toy's one structural miss,
 * docs/toy-model.md "Reading the tool list"), drawn from the train and the held-out split, greedy through the
 * embedded engine: how many still get a call (should be none), per tool, and how many questions whose tool is
 * listed get one (should be all). The 100-case evaluation holds only ~7 such questions; this holds N per split.
 */

import { conversation, renderConversationForCompletion } from "@overtone/harmony";
import { decode } from "../packages/harmony/src/tokenizer.js";
import { loadModel } from "../packages/overtone/src/engine/index.js";
import { splitRandom } from "../packages/toy/src/corpus/corpus.js";
import { drawPlan, promptMessages } from "../packages/toy/src/corpus/example-plan.js";
import { toyModelPath } from "../test/support/toy-model.js";

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const path = flag("--model") ?? (await toyModelPath());
const count = Number(flag("--count") ?? 80);
const model = await loadModel(path, { threads: 1, contextSize: 2048 });
console.log(
  `model: ${path}; ${count} questions whose tool is missing, ${count / 2} whose tool is listed, per split`,
);
try {
  for (const split of ["train", "heldout"] as const) {
    const random = splitRandom(1, split); // the corpus's own stream of seed 1: its train split is what trained
    const missing = new Map<string, { calls: number; asked: number }>();
    let asked = 0;
    let listedAsked = 0;
    let listedCalls = 0;
    while (asked < count || listedAsked < count / 2) {
      const plan = drawPlan(random, split);
      const task = plan.task;
      if (task.kind !== "tool" || plan.tools.length === 0) continue;
      const listed = plan.tools.some((tool) => tool.name === task.spec.tool.name);
      if (listed ? listedAsked >= count / 2 : asked >= count) continue;
      const prompt = renderConversationForCompletion(conversation(promptMessages(plan)), "assistant");
      const ids: number[] = [];
      for await (const id of model.tokens(prompt, { temperature: 0, maxTokens: 120 })) ids.push(id);
      const called = decode(ids).includes("to=functions");
      if (listed) {
        listedAsked++;
        if (called) listedCalls++;
        continue;
      }
      asked++;
      const tally = missing.get(task.spec.tool.name) ?? { calls: 0, asked: 0 };
      tally.asked++;
      if (called) tally.calls++;
      missing.set(task.spec.tool.name, tally);
    }
    const calls = [...missing.values()].reduce((n, t) => n + t.calls, 0);
    const perTool = [...missing].map(([name, t]) => `${name} ${t.calls}/${t.asked}`).join(", ");
    console.log(`\n${split}: calls to a missing tool ${calls}/${asked} (${perTool})`);
    console.log(`${split}: calls when the tool is listed ${listedCalls}/${listedAsked}`);
  }
} finally {
  await model.dispose();
}
