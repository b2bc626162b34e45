/**
 * The assistant's turn for a plan: analysis then a final answer; or, when the fitting tool is listed, analysis,
 * a `<|constrain|>json` call on the commentary channel, the tool's result (given, not generated), a short
 * analysis and a final answer that uses the result. Also what an evaluator should expect of that turn.
 */

import type { JsonValue, Message, ToolDescription } from "@overtone/harmony";
import { message, toolResult } from "@overtone/harmony";
import type { ExamplePlan } from "./example-plan.js";
import type { Analysis, Effort, ToolTask } from "./task.js";
import {
  callAnalysis,
  NO_TOOL_ANSWER_CONTAINS,
  noToolAnalysis,
  noToolFinal,
  resultAnalysis,
} from "./tool-reasoning.js";
import { renamedArguments } from "./tool-restyle.js";
import type { JsonObject, ToolResult } from "./tool-spec.js";

/** Messages the model writes (`generated`) or is given (a tool's result) within its turn. */
export interface TurnSegment {
  generated: boolean;
  messages: Message[];
}

export type Expected =
  | {
      kind: "tool";
      tool: string;
      arguments: { [key: string]: JsonValue };
      /** The tool message's content to feed back after the call. */
      result: string;
      /** The final answer after the result must contain this. */
      resultMentions: string;
    }
  | { kind: "answer"; answerContains: string };

export interface AssistantTurn {
  segments: TurnSegment[];
  expected: Expected;
  /** The first analysis of the turn: its length is what the effort controls. */
  analysis: string;
}

const analysisMessage = (text: string) => message("assistant", text, { channel: "analysis" });
const finalMessage = (text: string) => message("assistant", text, { channel: "final" });

export function toolCallMessage(tool: string, argumentsJson: string): Message {
  return message("assistant", argumentsJson, {
    recipient: `functions.${tool}`,
    channel: "commentary",
    content_type: "<|constrain|>json",
  });
}

function answerTurn(
  analysis: Analysis,
  effort: Effort,
  final: string,
  answerContains: string,
): AssistantTurn {
  return {
    segments: [{ generated: true, messages: [analysisMessage(analysis[effort]), finalMessage(final)] }],
    expected: { kind: "answer", answerContains },
    analysis: analysis[effort],
  };
}

function callTurn(
  task: ToolTask,
  effort: Effort,
  result: ToolResult,
  declared: ToolDescription,
  args: JsonObject,
): AssistantTurn {
  const name = task.spec.tool.name;
  const first = callAnalysis(task, declared, args)[effort];
  return {
    segments: [
      {
        generated: true,
        messages: [analysisMessage(first), toolCallMessage(name, JSON.stringify(args))],
      },
      { generated: false, messages: [toolResult(`functions.${name}`, result.text)] },
      {
        generated: true,
        messages: [analysisMessage(resultAnalysis(result)[effort]), finalMessage(result.final)],
      },
    ],
    expected: {
      kind: "tool",
      tool: name,
      arguments: args,
      result: result.text,
      resultMentions: result.mention,
    },
    analysis: first,
  };
}

export function assistantTurn(plan: ExamplePlan): AssistantTurn {
  const { task, effort } = plan;
  if (task.kind === "answer") return answerTurn(task.analysis, effort, task.final, task.answerContains);
  const declared = plan.tools.find((t) => t.name === task.spec.tool.name);
  if (declared !== undefined) {
    // The call uses the parameter names the developer message declares (tool-restyle.ts); the tool's result
    // does not depend on them.
    const args = plan.names !== undefined ? renamedArguments(task.arguments, plan.names) : task.arguments;
    return callTurn(task, effort, task.spec.result(task.arguments, plan.date), declared, args);
  }
  return answerTurn(noToolAnalysis(task, plan.tools), effort, noToolFinal(task), NO_TOOL_ANSWER_CONTAINS);
}
