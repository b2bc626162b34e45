/**
 * What the assistant says around a tool: the reasoning before a call (the fitting tool is listed), the
 * reasoning and refusal when it is not, and the short reasoning after the tool's result. Formulaic on purpose:
 * the toy model learns the pattern "need → tool → arguments" from many fills of the same sentences.
 */
import type { ToolDescription } from "../../harmony/types.js";
import type { SeededRandom } from "../../models/seeded-random.js";
import { pick } from "./random-choice.js";
import type { Analysis, ToolTask } from "./task.js";
import { TOOL_SPECS } from "./tool-pool.js";
import { argumentsText, requiredText, type ToolResult } from "./tool-spec.js";

export function drawToolTask(rng: SeededRandom): ToolTask {
  const spec = pick(rng, TOOL_SPECS);
  return { kind: "tool", category: "tool", spec, ...spec.ask(rng) };
}

/** Reasoning before calling the fitting tool, which the developer message lists. */
export function callAnalysis(task: ToolTask): Analysis {
  const name = task.spec.tool.name;
  const args = argumentsText(task.arguments);
  const restate = `The user wants ${task.need}.`;
  return {
    low: `Call ${name} with ${args}.`,
    medium: `${restate} The ${name} tool can look this up. Call it with ${args}.`,
    high:
      `${restate} I cannot know this without a tool. The ${name} tool is in my tool list. ` +
      `It needs ${requiredText(task.spec.tool)}. ${task.spec.argumentNote(task.arguments)} So call ${name} with ${args}.`,
  };
}

function toolListText(tools: readonly ToolDescription[]): string {
  if (tools.length === 0) return "There are no tools here.";
  if (tools.length === 1) return `The only tool here is ${tools[0]?.name}.`;
  const names = tools.map((t) => t.name);
  return `The tools here are ${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}.`;
}

/** Reasoning when the question needs a tool the developer message does not list. */
export function noToolAnalysis(task: ToolTask, tools: readonly ToolDescription[]): Analysis {
  const topic = task.spec.topic;
  const restate = `The user wants ${task.need}.`;
  return {
    low: `No tool for ${topic} is available, so I can't check.`,
    medium: `${restate} That needs a tool for ${topic}. None is available, so I can't check it.`,
    high:
      `${restate} That needs live data from a tool for ${topic}. ${toolListText(tools)} ` +
      `None of them can do it. I should not guess. So I will say that I can't check it.`,
  };
}

export function noToolFinal(task: ToolTask): string {
  return `Sorry, I can't check ${task.need} without a tool for ${task.spec.topic}.`;
}

/** What a no-tool answer must say. */
export const NO_TOOL_ANSWER_CONTAINS = "can't check";

/** Reasoning after the tool's result arrived: short at every effort, a little longer with more effort. */
export function resultAnalysis(result: ToolResult): Analysis {
  const said = `The tool returned ${result.summary}.`;
  return {
    low: said,
    medium: `${said} Now answer the user.`,
    high: `${said} That is what the user asked for. Now answer in one sentence.`,
  };
}
