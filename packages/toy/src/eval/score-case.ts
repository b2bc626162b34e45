/**
 * Scoring one held-out case of the toy corpus against what a model generated. The model is any function from a
 * conversation to the assistant's raw token ids (the stop token included): the embedded engine in the
 * behavioural tests, the corpus's own turns in this module's tests. A tool case runs the whole round trip: the
 * call, then the expected tool result fed back, then the continuation.
 *
 * "Strict" is upstream's strict parser: any malformed header, stray token or cut-off message fails the case.
 * The structure is the corpus's: an analysis, then a final answer (`<|return|>`) or a call (`<|call|>`); after
 * a tool result, an analysis and a final.
 */

import type { Conversation, Message, ParsedMessage } from "@overtone/harmony";
import { conversation, encodeOrdinary, parseCompletionTokens, toolResult } from "@overtone/harmony";
import type { HeldOutCase } from "../corpus/corpus.js";
import { checkToolArguments } from "../corpus/json-schema.js";
import { corpusTool } from "../corpus/tool-pool.js";

/** The model under test: the assistant's generated ids for a conversation whose next turn is the assistant's. */
export type GenerateTurn = (prompt: Conversation) => Promise<readonly number[]>;

export interface CaseScore {
  /** Every generated segment parsed strictly and had the expected structure. */
  structured: boolean;
  /** What the first segment was, e.g. `analysis final` or `analysis call:functions.get_weather`. */
  shape: string;
  /** Tokens of the turn's first analysis (its length follows the effort); undefined without one. */
  analysisTokens: number | undefined;
  /** Tool cases: a call to the expected tool whose arguments validate against its schema. */
  validCall?: boolean;
  /** Tool cases whose continuation ran: its final contains the tool result's key value. */
  finalMentionsResult?: boolean;
  /** Answer cases: the final contains the expected answer. */
  answerCorrect?: boolean;
  /** Why the case failed a check, for the report. */
  problems: string[];
}

interface Segment {
  messages: ParsedMessage[];
  error?: string;
}

function parseSegment(tokens: readonly number[]): Segment {
  try {
    return { messages: parseCompletionTokens(tokens, { role: "assistant", strict: true }) };
  } catch (error) {
    return { messages: [], error: (error as Error).message };
  }
}

function textOf(message: Message): string {
  return message.content.map((c) => (c.type === "text" ? c.text : "")).join("");
}

function describe(segment: Segment): string {
  if (segment.error !== undefined) return "unparsed";
  return segment.messages
    .map(({ message, terminator }) =>
      terminator === "call" ? `call:${message.recipient ?? "?"}` : (message.channel ?? message.author.role),
    )
    .join(" ");
}

/** The segment is exactly an analysis then one message ending in `ending` (`return` or `call`). */
function hasStructure(segment: Segment, ending: "return" | "call"): boolean {
  const [first, second, ...rest] = segment.messages;
  if (segment.error !== undefined || first === undefined || second === undefined || rest.length > 0)
    return false;
  const secondOk =
    ending === "return"
      ? second.message.channel === "final"
      : second.message.channel === "commentary" &&
        second.message.recipient?.startsWith("functions.") === true;
  return (
    first.message.channel === "analysis" &&
    first.terminator === "end" &&
    second.terminator === ending &&
    secondOk
  );
}

function finalText(segment: Segment): string {
  const final = segment.messages.find((m) => m.message.channel === "final");
  return final === undefined ? "" : textOf(final.message);
}

export async function scoreCase(testCase: HeldOutCase, generate: GenerateTurn): Promise<CaseScore> {
  const first = parseSegment(await generate(testCase.conversation));
  const analysis = first.messages[0]?.message.channel === "analysis" ? first.messages[0].message : undefined;
  const score: CaseScore = {
    structured: false,
    shape: describe(first),
    analysisTokens: analysis === undefined ? undefined : encodeOrdinary(textOf(analysis)).length,
    problems: first.error === undefined ? [] : [`parse: ${first.error}`],
  };
  const expected = testCase.expected;
  if (expected.kind === "answer") {
    score.structured = hasStructure(first, "return");
    score.answerCorrect = finalText(first).includes(expected.answerContains);
    if (!score.structured) score.problems.push(`expected analysis + final, got "${score.shape}"`);
    return score;
  }
  const call = first.messages.find((m) => m.terminator === "call")?.message;
  const wanted = `functions.${expected.tool}`;
  if (call === undefined || call.recipient !== wanted) {
    score.validCall = false;
    score.problems.push(`expected a call to ${wanted}, got "${score.shape}"`);
    return score;
  }
  const check = checkToolArguments(corpusTool(expected.tool), textOf(call));
  score.validCall = check.ok;
  if (!check.ok) score.problems.push(...check.problems);
  // The tool answers with the expected result whatever the arguments were: the next check is the final's use of it.
  const history = first.messages.map((m) => m.message);
  const next = conversation([
    ...testCase.conversation.messages,
    ...history,
    toolResult(`functions.${expected.tool}`, expected.result),
  ]);
  const second = parseSegment(await generate(next));
  score.finalMentionsResult = finalText(second).includes(expected.resultMentions);
  score.structured = hasStructure(first, "call") && hasStructure(second, "return");
  if (!score.structured)
    score.problems.push(
      `expected analysis + call, then analysis + final, got "${score.shape}" then "${describe(second)}"`,
    );
  return score;
}
