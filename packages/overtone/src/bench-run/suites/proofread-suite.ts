/**
 * `proofread`: short texts with known mistakes, asked with the agent kit's own proofreading prompt
 * (agent/proofread.ts, field report 003). A case passes when every known correction is in the answer, every
 * known mistake is gone from it, and no reasoning came with it (report 003's bug was reasoning in the text).
 * Words are matched whole and case-sensitively: "Tuesday" is a correction, "tuesday" is the mistake.
 */
import { PROOFREAD_TASK, proofreadConversation } from "../../agent/proofread.js";
import { DEFAULT_TASK_EFFORTS } from "../../agent/task-effort.js";
import { type BenchCase, type BenchSuite, type CaseOutput, type CaseVerdict, verdict } from "../suite.js";
import { excerpt, reasoningLeak } from "./suite-kit.js";

export const PROOFREAD_PROMPT_VERSION = "proofread@v1";

export interface Correction {
  wrong: string;
  right: string;
}

export const PROOFREAD_TEXTS: ReadonlyArray<{
  id: string;
  text: string;
  corrections: readonly Correction[];
}> = [
  {
    id: "meeting-note",
    text: "Teh meeting is on tuesday at ten, please bring you're laptop.",
    corrections: [
      { wrong: "Teh", right: "The" },
      { wrong: "tuesday", right: "Tuesday" },
      { wrong: "you're", right: "your" },
    ],
  },
  {
    id: "router-howto",
    text: "Restart the router and wait untill the lights stop blinking. Than connect again.",
    corrections: [
      { wrong: "untill", right: "until" },
      { wrong: "Than", right: "Then" },
    ],
  },
  {
    id: "dictated-list",
    text: "When the parts arrive, recieve them, check there condition, and seperate the broken ones.",
    corrections: [
      { wrong: "recieve", right: "receive" },
      { wrong: "there", right: "their" },
      { wrong: "seperate", right: "separate" },
    ],
  },
];

const word = (text: string) =>
  new RegExp(`(?<![\\p{L}'])${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}'])`, "u");

/** Checks one proofread answer against its known corrections. */
export function checkProofread(output: CaseOutput, corrections: readonly Correction[]): CaseVerdict {
  const answer = output.answer.trim();
  if (answer === "") return verdict([`no answer (finish: ${output.finishReason})`]);
  const failures: string[] = [];
  for (const { wrong, right } of corrections) {
    if (!word(right).test(answer))
      failures.push(`"${wrong}" was not corrected to "${right}": ${excerpt(answer)}`);
    else if (word(wrong).test(answer)) failures.push(`"${wrong}" is still in the text`);
  }
  const leak = reasoningLeak(answer, output.reasoning);
  if (leak !== undefined) failures.push(leak);
  return verdict(failures);
}

function proofreadCase(id: string, text: string, corrections: readonly Correction[]): BenchCase {
  const effort = DEFAULT_TASK_EFFORTS[PROOFREAD_TASK];
  return {
    id,
    promptVersion: PROOFREAD_PROMPT_VERSION,
    input: { text, corrections: corrections.map((c) => ({ ...c })) },
    conversation: proofreadConversation(text, effort),
    effort,
    check: async (output) => checkProofread(output, corrections),
  };
}

export function proofreadSuite(): BenchSuite {
  return {
    name: "proofread",
    cases: PROOFREAD_TEXTS.map(({ id, text, corrections }) => proofreadCase(id, text, corrections)),
  };
}
