/**
 * The tool loop (issue 15): the model calls a tool, the app executes it, the result goes back, the model
 * continues — until it answers, or the step limit says it is going round in circles. Each step's messages are
 * kept as the model wrote them (the end parts carry them): the analysis before a call stays in the turn, as
 * gpt-oss expects to see its reasoning for a pending call, then the call, then the tool's result.
 *
 * Any backend works (the Backend contract); parts are passed to `onPart` as they come, so an app can stream
 * the reasoning and the answer while the loop runs. A generation that fails ends the loop with its error.
 */
import { InputError } from "@overtone/errors";
import { type FinishReason, type Message, type Part, toolResult } from "@overtone/harmony";
import type { Backend, Effort, GenerateRequest } from "../backends/contract.js";
import { toolName } from "../backends/gpt-oss-profile.js";

export interface ToolCall {
  /** The function's name (`get_weather` for the recipient `functions.get_weather`). */
  name: string;
  /** The arguments as the model wrote them (JSON text, not yet parsed: the executor decides how to read it). */
  arguments: string;
}

export interface ToolStep {
  call: ToolCall;
  result: string;
}

export interface ToolLoopResult {
  /** The final answer's text ("" when the turn ended without one, e.g. at the token budget). */
  answer: string;
  /** Why the last generation ended: `stop`; `length` when the budget ran out; `aborted`; `error`. */
  reason: FinishReason;
  steps: ToolStep[];
  /** The messages the turn added after the question (reasoning, calls, results, the answer). */
  messages: Message[];
}

export interface ToolLoopOptions {
  /** Runs a call and returns what the model should read (an error text too, when the model can fix it). */
  execute: (call: ToolCall) => Promise<string>;
  /**
   * The reasoning effort of each generation, asked before it (a turn can move from one task to another, e.g.
   * from writing a query to correcting it); default the request's own.
   */
  effort?: () => Effort;
  /** Most tool calls in one turn; default 8. */
  maxSteps?: number;
  onPart?: (part: Part) => void;
}

const DEFAULT_MAX_STEPS = 8;

export async function runToolLoop(
  backend: Backend,
  request: GenerateRequest,
  options: ToolLoopOptions,
): Promise<ToolLoopResult> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const steps: ToolStep[] = [];
  const added: Message[] = [];
  for (;;) {
    const conversation = { ...request.conversation, messages: [...request.conversation.messages, ...added] };
    const effort = options.effort?.() ?? request.effort;
    const generated = await generation(
      backend.stream({ ...request, conversation, ...(effort !== undefined ? { effort } : {}) }),
      options.onPart,
    );
    added.push(...generated.messages);
    if (generated.reason !== "tool-calls" || generated.calls.length === 0) {
      const reason = generated.reason === "tool-calls" ? "stop" : generated.reason;
      return { answer: generated.answer, reason, steps, messages: added };
    }
    for (const { recipient, text } of generated.calls) {
      if (steps.length >= maxSteps) {
        throw new InputError(`the model was still calling tools after ${maxSteps} steps`, {
          where: "tool loop",
          hint: "raise maxSteps if the task needs more calls, or make the tools' results say more at once",
        });
      }
      const call = { name: toolName(recipient), arguments: text };
      const result = await options.execute(call);
      steps.push({ call, result });
      added.push(toolResult(recipient, result));
    }
  }
}

interface Generation {
  answer: string;
  reason: ToolLoopResult["reason"];
  calls: { recipient: string; text: string }[];
  messages: Message[];
}

async function generation(parts: AsyncIterable<Part>, onPart?: (part: Part) => void): Promise<Generation> {
  const result: Generation = { answer: "", reason: "stop", calls: [], messages: [] };
  for await (const part of parts) {
    onPart?.(part);
    if (part.type === "error") throw part.error;
    if (part.type === "analysis-end" || part.type === "commentary-end") result.messages.push(part.message);
    if (part.type === "final-end") {
      result.messages.push(part.message);
      result.answer += part.text;
    }
    if (part.type === "tool-call-end") {
      result.messages.push(part.message);
      result.calls.push({ recipient: part.recipient, text: part.text });
    }
    if (part.type === "finish") result.reason = part.reason;
  }
  return result;
}
