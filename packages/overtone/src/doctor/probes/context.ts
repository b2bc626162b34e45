/**
 * `context`: the context length the backend runs the model with, against what reasoning at high effort needs
 * (8192 tokens: Ollama f2e9c9aff, "gpt-oss works best with a context length of at least 8k"), and one
 * high-effort turn with no output budget of ours, so only the context can cut it: an empty answer with
 * `finish: length` after reasoning is the truncation inside the analysis of field report 004.
 */
import type { ModelInfo } from "../../backends/contract.js";
import { OLLAMA_MIN_NUM_CTX } from "../../backends/gpt-oss-profile.js";
import { ollamaModelfileFix, serverFlagsFix } from "../fixes.js";
import type { Fix, Probe, ProbeContext } from "../probe.js";
import { askConversation, questionAt } from "../probe-prompts.js";
import { generateTurn, turnEvidence } from "../turn.js";
import { unjudgeable } from "./channels.js";

/** Context a high-effort gpt-oss turn needs to reach its answer. */
export const HIGH_EFFORT_CONTEXT = OLLAMA_MIN_NUM_CTX;

export const contextProbe: Probe = {
  id: "context",
  quick: true,
  behavioural: false,
  after: ["channels"],
  async run(context) {
    const inUse = contextInUse(context);
    const evidence: Record<string, unknown> = {
      contextInUse: inUse.value,
      source: inUse.source,
      needed: HIGH_EFFORT_CONTEXT,
    };
    // The generation is skipped on a model whose output means nothing (it would run to the end of the context).
    if (unjudgeable(context.earlier("channels")) === undefined) {
      const turn = await generateTurn(context, {
        conversation: askConversation(questionAt(1).question),
        effort: "high",
        maxTokens: null,
        seed: 1,
      });
      evidence.highEffortTurn = turnEvidence(turn);
      if (turn.finish === "length" && turn.final.trim() === "" && turn.toolCalls.length === 0) {
        return {
          status: "fail",
          summary: `truncated inside the analysis: a high-effort turn ended with finish: length and no answer (context ${inUse.value ?? "unknown"}; needs ≥ ${HIGH_EFFORT_CONTEXT})`,
          evidence,
          fix: contextFix(context),
        };
      }
    }
    if (inUse.value === undefined) {
      return {
        status: "inconclusive",
        summary: "the backend does not say which context it runs with",
        evidence,
      };
    }
    if (inUse.value < HIGH_EFFORT_CONTEXT) {
      return {
        status: "warn",
        summary: `context ${inUse.value} < ${HIGH_EFFORT_CONTEXT}: reasoning at high effort can use it up before the answer`,
        evidence,
        fix: contextFix(context),
      };
    }
    return {
      status: "pass",
      summary: `context ${inUse.value} (≥ ${HIGH_EFFORT_CONTEXT} for high-effort reasoning)`,
      evidence,
    };
  },
};

function contextInUse({ target }: ProbeContext): { value?: number; source: string } {
  const model = target.facts.model as ModelInfo | undefined;
  if (target.kind === "ollama") {
    const numCtx = model?.details?.numCtx;
    return typeof numCtx === "number"
      ? { value: numCtx, source: "the Modelfile's num_ctx" }
      : {
          source:
            "Ollama's default (4096 on most machines; Overtone's requests send num_ctx 8192 themselves)",
        };
  }
  const value = model?.contextLength;
  const source =
    target.kind === "embedded"
      ? "the embedded engine's context"
      : target.flavor === "llama-server"
        ? "llama-server /props n_ctx"
        : "the server's model list";
  return value === undefined ? { source } : { value, source };
}

function contextFix({ target }: ProbeContext): Fix {
  if (target.kind === "ollama") return ollamaModelfileFix(target);
  if (target.kind === "embedded") {
    return {
      kind: "advice",
      description: `give the engine a larger context (contextSize ≥ ${HIGH_EFFORT_CONTEXT * 2})`,
    };
  }
  return serverFlagsFix(
    target,
    target.flavor === "vllm"
      ? `--max-model-len ${HIGH_EFFORT_CONTEXT * 2}`
      : `--ctx-size ${HIGH_EFFORT_CONTEXT * 2}`,
    "room for high-effort reasoning",
  );
}
