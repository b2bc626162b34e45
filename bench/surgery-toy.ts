/**
 * `npx tsx bench/surgery-toy.ts [--count N] [--scales 0.5,1,2] [--position RULE] [--config 'YAML with SCALE']`:
 * issue 18's real behaviour on the toy model.
 * The toy declines a question whose tool is not listed ("Sorry, I can't check … without a tool …") and calls the
 * tool when it is. `surgery measure` takes the direction from the call prompts to the decline prompts (the
 * corpus's train split, seed 1), `surgery ablate` removes it from every residual writer at each scale, and the
 * edited models answer held-out prompts greedily through the embedded engine: how many decline prompts still get
 * a decline (goal: down by ≥ 50 points), and how many unrelated questions (arithmetic, capitals, conversions)
 * get the same final answer as the unedited toy (goal: ≥ 90%). The scales are a one-parameter search; the table
 * is the trade-off curve. Reports the numbers, whatever they are.
 */
import { writeFileSync } from "node:fs";
import { conversation, conversationToJson, decode, renderConversationForCompletion } from "@overtone/harmony";
import { loadModel } from "../packages/overtone/src/engine/index.js";
import { ablate, measure, parseAblateConfig } from "../packages/overtone/src/surgery/index.js";
import { splitRandom } from "../packages/toy/src/corpus/corpus.js";
import { drawPlan, type ExamplePlan, promptMessages } from "../packages/toy/src/corpus/example-plan.js";
import { tempDir } from "../test/support/gguf-samples.js";
import { toyModelPath } from "../test/support/toy-model.js";

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const count = Number(flag("--count") ?? 40);
const scales = (flag("--scales") ?? "0.5,1,1.5").split(",").map(Number);
/** The ablation config with SCALE standing for each scale (default: every writer, direction.1). */
const configText = (flag("--config") ?? "direction_layer: 1\nscale: SCALE\n").replaceAll("\\n", "\n");
const position = (flag("--position") ?? "assistant-start") as "assistant-start" | "last-user" | "final-start";
const toy = await toyModelPath();
const temp = tempDir("overtone-surgery-toy-");

type Kind = "decline" | "call" | "unrelated";
function kindOf(plan: ExamplePlan): Kind {
  const task = plan.task;
  if (task.kind !== "tool") return "unrelated";
  return plan.tools.some((t) => t.name === task.spec.tool.name) ? "call" : "decline";
}

/** `n` plans of each wanted kind from one split of the corpus's seed-1 stream. */
function plans(split: "train" | "heldout", wanted: readonly Kind[], n: number): Record<Kind, ExamplePlan[]> {
  const out: Record<Kind, ExamplePlan[]> = { decline: [], call: [], unrelated: [] };
  const random = splitRandom(1, split);
  while (wanted.some((k) => out[k].length < n)) {
    const plan = drawPlan(random, split);
    const kind = kindOf(plan);
    if (wanted.includes(kind) && out[kind].length < n && plan.history === undefined) out[kind].push(plan);
  }
  return out;
}

const jsonl = (name: string, list: ExamplePlan[]) => {
  const path = temp.path(name);
  writeFileSync(
    path,
    list.map((p) => JSON.stringify(conversationToJson(conversation(promptMessages(p))))).join("\n"),
  );
  return path;
};

const train = plans("train", ["decline", "call"], count);
const heldout = plans("heldout", ["decline", "unrelated"], count);
const directions = temp.path("directions.gguf");
const measured = await measure({
  model: toy,
  a: jsonl("a.jsonl", train.decline),
  b: jsonl("b.jsonl", train.call),
  out: directions,
  position,
});
console.log(
  `measured on ${count} + ${count} train prompts: ‖mean_decline − mean_call‖ per block ${measured.norms.map((n) => n.toFixed(3)).join(", ")}`,
);

/** The final channel's text of a greedy answer (empty when the model called a tool or never got there). */
async function finals(path: string, list: ExamplePlan[]): Promise<string[]> {
  const model = await loadModel(path, { threads: 1, contextSize: 2048 });
  try {
    const out: string[] = [];
    for (const plan of list) {
      const prompt = renderConversationForCompletion(conversation(promptMessages(plan)), "assistant");
      const ids: number[] = [];
      for await (const id of model.tokens(prompt, { temperature: 0, maxTokens: 160 })) ids.push(id);
      const text = decode(ids);
      const at = text.indexOf("<|channel|>final<|message|>");
      out.push(
        at < 0
          ? text.includes("to=functions")
            ? "<call>"
            : ""
          : text.slice(at + 27).replace(/<\|(return|end)\|>.*$/s, ""),
      );
    }
    return out;
  } finally {
    await model.dispose();
  }
}

const declines = (answers: string[]) => answers.filter((a) => a.includes("can't check")).length;
const base = { decline: await finals(toy, heldout.decline), unrelated: await finals(toy, heldout.unrelated) };
const pct = (n: number) => `${((100 * n) / count).toFixed(0)}%`;
console.log(`\nheld-out: ${count} decline prompts (tool not listed), ${count} unrelated questions; greedy`);
console.log(`scale   declines   calls   unrelated answers unchanged`);
console.log(
  `base    ${pct(declines(base.decline)).padStart(8)}   ${String(base.decline.filter((a) => a === "<call>").length).padStart(5)}   100%`,
);
for (const scale of scales) {
  const out = temp.path(`ablated-${scale}.gguf`);
  await ablate({
    model: toy,
    directions,
    out,
    config: parseAblateConfig(configText.replaceAll("SCALE", String(scale)), "bench"),
  });
  const edited = {
    decline: await finals(out, heldout.decline),
    unrelated: await finals(out, heldout.unrelated),
  };
  const same = edited.unrelated.filter((a, i) => a === base.unrelated[i]).length;
  console.log(
    `${String(scale).padEnd(6)}  ${pct(declines(edited.decline)).padStart(8)}   ${String(edited.decline.filter((a) => a === "<call>").length).padStart(5)}   ${pct(same)}`,
  );
  if (scale === scales[scales.length - 1]) {
    const sample = edited.decline.find((a) => !a.includes("can't check"));
    if (sample !== undefined)
      console.log(`  e.g. a decline prompt now answered: ${JSON.stringify(sample.slice(0, 120))}`);
  }
}
temp.remove();
