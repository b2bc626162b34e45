/**
 * `structured-output`: a `json_schema` response format, and an answer that validates against it. gpt-oss must
 * reason freely and only the final channel be constrained; servers that constrain the whole output return an
 * empty or broken answer (ollama#11691, gateway.md §6 item 17).
 */
import type { ResponseFormat } from "../../backends/contract.js";
import { serveConfigFix } from "../fixes.js";
import type { Probe } from "../probe.js";
import { askConversation, questionAt } from "../probe-prompts.js";
import { generateTurn, turnEvidence } from "../turn.js";
import { unjudgeable } from "./channels.js";

const ANSWER_FORMAT: ResponseFormat = {
  type: "json_schema",
  name: "answer",
  schema: {
    type: "object",
    properties: { answer: { type: "integer" } },
    required: ["answer"],
    additionalProperties: false,
  },
  strict: true,
};

export const structuredOutputProbe: Probe = {
  id: "structured-output",
  quick: true,
  behavioural: true,
  after: ["channels"],
  async run(context) {
    const gate = unjudgeable(context.earlier("channels"));
    if (gate !== undefined) return gate;
    const q = questionAt(0);
    const turn = await generateTurn(context, {
      conversation: askConversation(q.question),
      responseFormat: ANSWER_FORMAT,
      seed: 1,
    });
    const problem = schemaProblem(turn.final);
    // Recorded, not judged: the schema is the check; a small model may fill it with a wrong number.
    const answerRight = problem === undefined && String(answerOf(turn.final)) === q.answer;
    const evidence = {
      sent: q.question,
      responseFormat: ANSWER_FORMAT,
      turn: turnEvidence(turn),
      answerRight,
    };
    if (problem === undefined) {
      return {
        status: "pass",
        summary: `the answer validates against the schema: ${turn.final.trim()}`,
        evidence,
      };
    }
    return {
      status: "fail",
      summary: `the answer does not validate: ${problem}${turn.notice !== undefined ? ` (${turn.notice})` : ""}`,
      evidence,
      fix: serveConfigFix(context.target),
    };
  },
};

/** The `answer` of a reply that validated. */
function answerOf(text: string): unknown {
  return (JSON.parse(text) as { answer?: unknown }).answer;
}

/** `{"answer": <integer>}` and nothing else, or what is wrong. */
function schemaProblem(text: string): string | undefined {
  if (text.trim() === "") return "the answer is empty";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 80))}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const record = value as Record<string, unknown>;
  if (!Number.isInteger(record.answer)) return "answer is missing or not an integer";
  const extra = Object.keys(record).filter((k) => k !== "answer");
  return extra.length > 0 ? `properties not in the schema: ${extra.join(", ")}` : undefined;
}
