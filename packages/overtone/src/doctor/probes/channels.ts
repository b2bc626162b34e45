/**
 * `channels`: the reasoning and the answer kept apart — an analysis, then a final answer — and nothing of
 * Harmony's markup in the answer. A server that does not parse Harmony (a ChatML template: field report 000)
 * hands back the model's channels as one text, with the special tokens left in or stripped (`analysis…
 * assistantfinal…`); Overtone repairs that on the way, and the repair is named as the evidence. It is also the
 * doctor's check that the model speaks at all (model-sanity.ts): the probes that run after it read its verdict.
 */
import { ggufHarmonyFix, ollamaModelfileFix, serveConfigFix } from "../fixes.js";
import { harmonyLeak, judgeSanity, type Sanity } from "../model-sanity.js";
import type { Check, CheckResult, Fix, Probe, ProbeContext } from "../probe.js";
import { askConversation, questionAt } from "../probe-prompts.js";
import { generateTurn, type Turn, turnEvidence } from "../turn.js";

/** Repairs that mean a chat API returned Harmony unparsed (not those of Overtone's own parser on odd output). */
const UNPARSED = new Set(["stripped-special-tokens", "markup-in-content"]);

export const channelsProbe: Probe = {
  id: "channels",
  quick: true,
  behavioural: true,
  after: ["template"],
  async run(context) {
    const tries = Math.max(1, context.tries);
    const asked = Array.from({ length: tries }, (_, i) => questionAt(i));
    const turns: Turn[] = [];
    for (const [i, q] of asked.entries()) {
      turns.push(await generateTurn(context, { conversation: askConversation(q.question), seed: 1 + i }));
    }
    const sanity = judgeSanity(
      turns,
      asked.map((q) => q.answer),
    );
    // The embedded engine renders and parses Harmony itself: no server template can leak anything there.
    const leaks = (context.target.kind === "embedded" ? [] : turns).flatMap((t) => {
      const leak = harmonyLeak(t.final) ?? t.repairs.find((r) => UNPARSED.has(r));
      return leak === undefined ? [] : [leak];
    });
    const apart = turns.filter((t) => t.analysis.trim() !== "" && t.final.trim() !== "").length;
    const evidence = {
      sent: asked.map((q) => q.question),
      turns: turns.map(turnEvidence),
      apart,
      of: turns.length,
      rightAnswers: sanity.rightAnswers,
      sanity,
    };
    if (leaks.length > 0) {
      return {
        status: "fail",
        summary: `the server did not parse Harmony in ${leaks.length} of ${turns.length} turns (${[...new Set(leaks)].join(", ")} in the answer): its template is not Harmony`,
        evidence,
        fix: templateFix(context),
      };
    }
    if (!sanity.language) return { status: "inconclusive", summary: sanity.why as string, evidence };
    if (apart === turns.length) {
      return {
        status: "pass",
        summary: `analysis and final kept apart in ${apart} of ${turns.length} turns`,
        evidence,
      };
    }
    const noReasoning = turns.filter((t) => t.analysis.trim() === "").length;
    return {
      status: apart * 2 < turns.length ? "fail" : "warn",
      summary: `analysis and final apart in only ${apart} of ${turns.length} turns (${noReasoning} without reasoning${emptyAnswers(turns)})`,
      evidence,
      ...(noReasoning > 0 ? { fix: templateFix(context) } : {}),
    };
  },
};

function emptyAnswers(turns: readonly Turn[]): string {
  const empty = turns.filter((t) => t.final.trim() === "" && t.toolCalls.length === 0);
  if (empty.length === 0) return "";
  const why = empty.find((t) => t.notice !== undefined)?.notice;
  return `, ${empty.length} without an answer${why !== undefined ? `: ${why}` : ""}`;
}

/** The fix for a server that does not speak Harmony: the model file's template, or Overtone in front. */
export function templateFix(context: ProbeContext): Fix {
  const { target } = context;
  if (target.kind === "ollama") return ollamaModelfileFix(target);
  if (target.gguf !== undefined) return ggufHarmonyFix(target.gguf, target.flavor ?? target.kind);
  return serveConfigFix(target);
}

/**
 * For the probes after `channels`: undefined when the model's output can be judged, else an `inconclusive`
 * check saying why (random weights), so no behavioural probe passes on noise.
 */
export function unjudgeable(channels: Check | undefined): CheckResult | undefined {
  const sanity = channels?.evidence.sanity as Sanity | undefined;
  // Output the server left unparsed is a finding about the set-up, whatever the model: the probes go on.
  if (sanity === undefined || sanity.language || channels?.status === "fail") return undefined;
  return { status: "inconclusive", summary: sanity.why as string, evidence: { sanity } };
}
