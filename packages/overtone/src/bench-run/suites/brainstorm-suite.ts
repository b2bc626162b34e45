/**
 * `brainstorm`: report 004's sweep, n ∈ {3, 5} × creativity ∈ {1, 2}, asked with the assistant service's own
 * brainstorm prompt (assist-prompts.ts). idea_count is what the service's tolerant list parser reads out of the
 * answer (list-parsing.ts); the case passes when it is exactly n. Unlike `/api/ideas/brainstorm`, which asks
 * again for missing ideas, the ladder grades the one answer: that is the model's own score.
 */
import { brainstormPrompt } from "../../assist/assist-prompts.js";
import { type BenchCase, type BenchSuite, type CaseOutput, type CaseVerdict, verdict } from "../suite.js";
import { assistConversation, excerpt, readList } from "./suite-kit.js";

export const BRAINSTORM_PROMPT_VERSION = "brainstorm@v1";
export const BRAINSTORM_TOPIC =
  "Ways to keep working online at home when the internet connection keeps dropping.";
const COUNTS = [3, 5] as const;
const CREATIVITY = [1, 2] as const;

/** Checks one brainstorm answer for exactly `n` ideas. */
export function checkIdeas(output: CaseOutput, n: number): CaseVerdict {
  const list = readList(output.answer);
  const count = output.answer.trim() === "" ? 0 : list.items.length;
  const failures =
    count === n
      ? []
      : [`idea_count ${count}, asked for ${n}${count > 0 ? `: ${excerpt(output.answer)}` : ""}`];
  return verdict(failures, { parsedOk: list.isList, ideaCount: count });
}

function brainstormCase(n: number, creativity: 1 | 2): BenchCase {
  return {
    id: `n${n}-creativity${creativity}`,
    promptVersion: BRAINSTORM_PROMPT_VERSION,
    input: { topic: BRAINSTORM_TOPIC, n, creativity },
    conversation: assistConversation(brainstormPrompt(BRAINSTORM_TOPIC, n, creativity)),
    check: async (output) => checkIdeas(output, n),
  };
}

export function brainstormSuite(): BenchSuite {
  return {
    name: "brainstorm",
    cases: COUNTS.flatMap((n) => CREATIVITY.map((creativity) => brainstormCase(n, creativity))),
  };
}
