/**
 * `effort`: does the reasoning-effort setting reach the model on this backend? The same questions at low,
 * medium and high effort; the analysis must grow with it: the median analysis length (tokens) low < medium <
 * high. Equal medians mean the setting is lost on the way (a ChatML template has no `Reasoning:` line, Ollama's
 * `/v1` ignores `think`, LM Studio's Chat Completions ignore `reasoning_effort`: gateway.md §6 item 13).
 */
import { encodeOrdinary } from "@overtone/harmony";
import type { Effort } from "../../backends/contract.js";
import type { Probe } from "../probe.js";
import { askConversation, questionAt } from "../probe-prompts.js";
import { generateTurn, median, turnEvidence } from "../turn.js";
import { templateFix, unjudgeable } from "./channels.js";

const EFFORTS: readonly Effort[] = ["low", "medium", "high"];

export const effortProbe: Probe = {
  id: "effort",
  quick: false,
  behavioural: true,
  after: ["channels"],
  async run(context) {
    const gate = unjudgeable(context.earlier("channels"));
    if (gate !== undefined) return gate;
    const tries = Math.max(1, context.tries);
    const lengths: Record<Effort, number[]> = { low: [], medium: [], high: [] };
    const samples: Record<string, unknown>[] = [];
    for (let i = 0; i < tries; i++) {
      const q = questionAt(i);
      for (const effort of EFFORTS) {
        const turn = await generateTurn(context, {
          conversation: askConversation(q.question),
          effort,
          seed: 1 + i,
        });
        lengths[effort].push(encodeOrdinary(turn.analysis).length);
        if (i === 0) samples.push({ effort, ...turnEvidence(turn) });
      }
    }
    const medians = { low: median(lengths.low), medium: median(lengths.medium), high: median(lengths.high) };
    const evidence = {
      sent: Array.from({ length: tries }, (_, i) => questionAt(i).question),
      analysisTokens: lengths,
      medians,
      samples,
    };
    const numbers = `median analysis tokens low ${medians.low}, medium ${medians.medium}, high ${medians.high}`;
    if (medians.low < medians.medium && medians.medium < medians.high) {
      return { status: "pass", summary: `the effort reaches the model: ${numbers}`, evidence };
    }
    if (medians.high === 0) {
      return {
        status: "fail",
        summary: `no analysis at any effort (${numbers}): the reasoning channel is lost`,
        evidence,
        fix: templateFix(context),
      };
    }
    const flat = medians.high <= medians.low * 1.1;
    return {
      status: flat ? "fail" : "warn",
      summary: flat
        ? `the effort setting does not reach the model: ${numbers}`
        : `the analysis does not grow steadily with the effort: ${numbers}`,
      evidence,
      fix: templateFix(context),
    };
  },
};
