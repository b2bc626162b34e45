/**
 * `diagnose`: report 004's three network problems and one in the user's own words, asked with the assistant
 * service's own diagnose prompt (assist-prompts.ts) so the ladder grades what `/api/diagnose` would answer.
 * A case passes when the answer is there, is a list of steps (parsed_ok, by the service's tolerant parser) and
 * holds no reasoning. A step the model marks `RISK:` (it changes the system) is flagged, not failed: report 004
 * wants risks counted, and the prompt asks the model to mark them.
 */
import { diagnosePrompt, type ProblemCategory, problemCategory } from "../../assist/assist-prompts.js";
import { type BenchCase, type BenchSuite, type CaseOutput, type CaseVerdict, verdict } from "../suite.js";
import { assistConversation, excerpt, readList, reasoningLeak } from "./suite-kit.js";

export const DIAGNOSE_PROMPT_VERSION = "diagnose@v1";

/** The problems, as a user would type them; the category is what the service would guess from the words. */
export const DIAGNOSE_PROBLEMS: ReadonlyArray<{ id: string; problem: string }> = [
  {
    id: "wifi-not-working",
    problem: "My WiFi is not working: the laptop shows no networks since this morning.",
  },
  { id: "dns-failing", problem: "DNS is failing: websites do not load by name, but ping 1.1.1.1 works." },
  {
    id: "usb-tethering-unstable",
    problem: "USB tethering from my phone is unstable: the connection drops every few minutes.",
  },
  {
    id: "free-text-slow-evenings",
    problem: "Everything online gets very slow in the evenings and video calls freeze, but only at home.",
  },
];

/** Checks one diagnose answer: non-empty, a list of steps, no reasoning; `RISK:` steps flagged. */
export function checkDiagnosis(output: CaseOutput): CaseVerdict {
  const answer = output.answer.trim();
  if (answer === "") {
    return verdict([`no answer (finish: ${output.finishReason})`], { parsedOk: false, ideaCount: 0 });
  }
  const failures: string[] = [];
  const steps = readList(answer);
  if (!steps.isList) failures.push(`the steps are not a list: ${excerpt(answer)}`);
  const leak = reasoningLeak(answer, output.reasoning);
  if (leak !== undefined) failures.push(leak);
  const risky = steps.items.some((step) => /^\W*risk\s*:/i.test(step));
  return verdict(failures, {
    parsedOk: steps.isList,
    ideaCount: steps.items.length,
    riskFlags: risky ? ["changes-system"] : [],
  });
}

function diagnoseCase(id: string, problem: string): BenchCase {
  const category: ProblemCategory = problemCategory(problem);
  return {
    id,
    promptVersion: DIAGNOSE_PROMPT_VERSION,
    input: { issue_text: problem, category },
    conversation: assistConversation(diagnosePrompt(problem, category)),
    check: async (output) => checkDiagnosis(output),
  };
}

export function diagnoseSuite(): BenchSuite {
  return { name: "diagnose", cases: DIAGNOSE_PROBLEMS.map(({ id, problem }) => diagnoseCase(id, problem)) };
}
