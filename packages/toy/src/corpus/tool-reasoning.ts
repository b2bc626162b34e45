/**
 * What the assistant says around a tool: the reasoning before a call (the fitting tool is listed), the
 * reasoning and refusal when it is not, and the short reasoning after the tool's result. Formulaic on purpose:
 * the toy model learns the pattern "need → tool → arguments" from many fills of the same sentences.
 *
 * Whether to call is decided on one token, the word right after "For <topic>": "use" when the developer message
 * lists the fitting tool, "no" when it does not. Ending the sentence on the topic's own word lets a single
 * attention step compare it with the tool names in the developer message; the trainer weights that token
 * (decisionIndex), since the lookup is rarely needed and is otherwise not learned (docs/toy-model.md).
 */

import type { ToolDescription } from "@overtone/harmony";
import { encodeOrdinary } from "@overtone/harmony";
import type { SeededRandom } from "@overtone/makers";
import { pick } from "./random-choice.js";
import type { Analysis, ToolTask } from "./task.js";
import { TOOL_SPECS } from "./tool-pool.js";
import { argumentsText, type JsonObject, requiredText, type ToolResult } from "./tool-spec.js";

export function drawToolTask(rng: SeededRandom): ToolTask {
  const spec = pick(rng, TOOL_SPECS);
  return { kind: "tool", category: "tool", spec, ...spec.ask(rng) };
}

const USE = "use";
const NO = "no";

/** Reasoning before calling the fitting tool, which the developer message lists. */
export function callAnalysis(
  task: ToolTask,
  declared: ToolDescription = task.spec.tool,
  callArguments: JsonObject = task.arguments,
): Analysis {
  const name = task.spec.tool.name;
  const use = `For ${task.spec.topic} ${USE} ${name}`;
  const args = argumentsText(callArguments);
  const restate = `The user wants ${task.need}.`;
  return {
    low: `${use}. Call it with ${args}.`,
    medium: `${restate} ${use}; it can look this up. Call it with ${args}.`,
    high:
      `${restate} I cannot know this without a tool, and I should not guess. ${use}, which is in my tool list. ` +
      `It needs ${requiredText(declared)}. ${task.spec.argumentNote(task.arguments)} So call ${name} with ${args}.`,
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
  const none = `For ${task.spec.topic} ${NO} tool is listed`;
  const restate = `The user wants ${task.need}.`;
  return {
    low: `${none}, so I can't check.`,
    medium: `${restate} ${none}, so I can't check it.`,
    high:
      `${restate} That needs live data from a tool. ${none}. ${toolListText(tools)} ` +
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

/**
 * Where a tool question's turn is decided: the index of the "use"/"no" token right after the topic in the first
 * run the model generates (`tokens` from `start`). Throws when the analysis has no such sentence (a corpus bug).
 */
export function decisionIndex(tokens: ArrayLike<number>, start: number, task: ToolTask): number {
  const topic = encodeOrdinary(` ${task.spec.topic}`);
  const deciders = [` ${USE}`, ` ${NO}`].map((word) => encodeOrdinary(word)[0]);
  for (let at = start; at + topic.length < tokens.length; at++) {
    if (topic.every((id, j) => tokens[at + j] === id) && deciders.includes(tokens[at + topic.length])) {
      return at + topic.length;
    }
  }
  throw new Error(
    `no "For ${task.spec.topic} ${USE}|${NO}" in the analysis of a ${task.spec.tool.name} question`,
  );
}
