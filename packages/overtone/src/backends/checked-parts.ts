/**
 * A backend's parts on their way out, the same for every backend: tool calls repaired against the request's
 * tools, then checked, then an empty answer explained — the turn that ends without an answer (gpt-oss spent its
 * budget reasoning, or stopped after its analysis) gets a finish notice that says why and what to change,
 * instead of an empty line. Each check is a synchronous step of one loop (part-steps.ts).
 */
import type { FinishReason, Part } from "@overtone/harmony";
import type { GenerateRequest } from "./contract.js";
import { functionTools } from "./gpt-oss-profile.js";
import { type PartStep, throughSteps } from "./part-steps.js";
import { toolCallCheck } from "./tool-call-check.js";
import { toolRepairs } from "./tool-repairs.js";

export interface AnswerSummary {
  reason: FinishReason;
  sawReasoning: boolean;
  sawAnswer: boolean;
  /** Output tokens the server reported, when it did. */
  outputTokens?: number;
  maxTokens?: number;
}

/**
 * Why a turn without an answer (no final text, no tool call) came out empty, or undefined when it did not.
 * gpt-oss's most reported "empty answer" is a budget spent on reasoning (backends.md §1.7 and §8.4).
 */
export function explainEmptyAnswer(summary: AnswerSummary): string | undefined {
  if (summary.sawAnswer || summary.reason === "aborted" || summary.reason === "error") return undefined;
  const budget = summary.maxTokens !== undefined ? ` (maxTokens ${summary.maxTokens})` : "";
  if (summary.reason === "length") {
    return summary.sawReasoning
      ? `truncated by the token budget${budget} while the model was still reasoning: no answer yet; raise maxTokens or lower the effort`
      : `truncated by the token budget${budget} before any answer; raise maxTokens`;
  }
  if (summary.sawReasoning) {
    return "the model ended its turn after reasoning, without an answer or tool call (llama.cpp#15789); retrying usually helps";
  }
  if ((summary.outputTokens ?? 0) > 0) {
    return `the server generated ${summary.outputTokens} tokens but returned no text: its chat template or reasoning parser does not handle gpt-oss's Harmony format; use a Harmony template or the raw route`;
  }
  return "the server returned an empty answer";
}

/**
 * Pass parts through and add `notice` to the finish part when the turn has no answer (see explainEmptyAnswer).
 * `details` is read when the stream ends, so a backend can fill in what it learnt on the way (the finish
 * part's own usage gives `outputTokens` when details do not).
 */
export function withEmptyAnswerNotice(
  parts: AsyncIterable<Part>,
  details: () => { outputTokens?: number; maxTokens?: number } = () => ({}),
): AsyncGenerator<Part, void, undefined> {
  return throughSteps(parts, [emptyAnswerNotice(details)]);
}

/** The notice as a step of a backend's stream (part-steps.ts). */
function emptyAnswerNotice(details: () => { outputTokens?: number; maxTokens?: number }): PartStep {
  let sawReasoning = false;
  let sawAnswer = false;
  return {
    push(part, out) {
      if (part.type === "analysis-delta") sawReasoning = true;
      else if (
        part.type === "final-delta" ||
        part.type === "commentary-delta" ||
        part.type === "tool-call-start"
      ) {
        sawAnswer = true;
      } else if (part.type === "finish" && part.notice === undefined) {
        const outputTokens = part.usage?.outputTokens;
        const notice = explainEmptyAnswer({
          reason: part.reason,
          sawReasoning,
          sawAnswer,
          ...(outputTokens !== undefined ? { outputTokens } : {}),
          ...details(),
        });
        out.push(notice === undefined ? part : { ...part, notice });
        return;
      }
      out.push(part);
    },
  };
}

/**
 * A backend's parts as its callers get them: tool calls repaired against the request's function tools
 * (tool-repairs.ts: names, arguments, calls leaked into the answer), then checked (tool-call-check.ts: calls
 * naming no tool or a tool not offered), then an empty answer explained (withEmptyAnswerNotice, with the
 * request's maxTokens) — in this order, so a repaired call counts as an answer. Every backend's `stream` ends
 * in this one place; `onThrow` turns what `parts` throws into its last part (throughSteps).
 */
export function checkedParts(
  parts: AsyncIterable<Part>,
  request: GenerateRequest,
  onThrow?: (error: unknown) => Part,
): AsyncGenerator<Part, void, undefined> {
  const tools = functionTools(request);
  const details = () => (request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {});
  const steps = [toolRepairs(tools), toolCallCheck(tools), emptyAnswerNotice(details)];
  return throughSteps(parts, steps, onThrow);
}
