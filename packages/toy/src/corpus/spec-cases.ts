/**
 * Held-out cases for "does the toy read tool specs written by others" (issue 15 item 3): a tool question whose
 * fitting tool is listed, declared with held-out choices only (tool-restyle.ts: parameter names, descriptions
 * and parameter notes never trained for that tool, maybe extra optional parameters), among 0–2 other tools as
 * training declares them. The expected call uses the declared parameter names; `tool` is the declaration to
 * validate it against. Questions come from the held-out fills, so the city or pair is new as well.
 */
import { type Conversation, conversation, type ToolDescription } from "@overtone/harmony";
import { hashName, SeededRandom } from "@overtone/makers";
import { assistantTurn } from "./assistant-turn.js";
import type { ExamplePlan } from "./example-plan.js";
import { promptMessages } from "./example-plan.js";
import { pick, sample } from "./random-choice.js";
import { drawInSplit, EFFORTS, type Effort, type ToolTask } from "./task.js";
import { TOOL_SPECS } from "./tool-pool.js";
import { drawToolTask } from "./tool-reasoning.js";
import { heldOutRestyle } from "./tool-restyle.js";
import type { JsonObject } from "./tool-spec.js";

export interface SpecCase {
  conversation: Conversation;
  effort: Effort;
  /** Every tool the developer message declares, in order. */
  tools: ToolDescription[];
  /** The fitting tool as declared: the call's arguments must validate against its parameters. */
  tool: ToolDescription;
  /** The arguments the question implies, under the declared names. */
  arguments: JsonObject;
  /** Declared name → canonical name, for the report ("place ← location"). */
  renamed: Readonly<Record<string, string>>;
}

export function heldOutSpecCases({ seed, count }: { seed: number; count: number }): SpecCase[] {
  const rng = new SeededRandom(seed, hashName("toy-corpus:spec-cases"));
  const cases: SpecCase[] = [];
  while (cases.length < count) {
    const task: ToolTask = drawInSplit(rng, "heldout", drawToolTask);
    const restyled = heldOutRestyle(rng, task.spec);
    const renamed = Object.fromEntries(
      Object.entries(restyled.names)
        .filter(([from, to]) => from !== to)
        .map(([from, to]) => [to, from]),
    );
    // A case is about names the toy never saw on this tool: a spec with no held-out alias is skipped.
    if (Object.keys(renamed).length === 0) continue;
    const others = sample(
      rng,
      TOOL_SPECS.filter((s) => s !== task.spec),
      pick(rng, [0, 1, 2]),
    ).map((s) => s.tool);
    const tools = sample(rng, [...others, restyled.tool], others.length + 1);
    const effort = pick(rng, EFFORTS);
    const plan: ExamplePlan = {
      effort,
      date: undefined,
      instructions: undefined,
      tools,
      names: restyled.names,
      history: undefined,
      task,
    };
    const expected = assistantTurn(plan).expected;
    if (expected.kind !== "tool") continue;
    cases.push({
      conversation: conversation(promptMessages(plan)),
      effort,
      tools,
      tool: restyled.tool,
      arguments: expected.arguments as JsonObject,
      renamed,
    });
  }
  return cases;
}
