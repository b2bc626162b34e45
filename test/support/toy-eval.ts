/**
 * The toy model's behavioural evaluation through the embedded engine (real llama.cpp): held-out cases from the
 * corpus, each turn rendered by Overtone and generated from exact ids, scored by src/toy/eval. Shared by the
 * behaviour tests and `npm run eval:toy`.
 */

import { renderConversationForCompletion } from "@overtone/harmony";
import { type EngineModel, loadModel } from "../../packages/overtone/src/engine/index.js";
import { heldOutCases } from "../../packages/toy/src/corpus/index.js";
import {
  type CaseScore,
  type GenerateTurn,
  scoreCase,
  summarize,
  type ToyReport,
} from "../../packages/toy/src/eval/index.js";

export interface ToyEvalOptions {
  /** Held-out cases (default 100). */
  count?: number;
  /** The corpus seed the cases come from (default 1). */
  seed?: number;
  /** 0 = greedy (default); gpt-oss's own default is 1. */
  temperature?: number;
  /** Sampling seed, so a T=1 run is reproducible. */
  samplingSeed?: number;
  /** Output budget per turn: far above any corpus turn, so a model that rambles is cut and fails. */
  maxTokens?: number;
}

export interface ToyEvalResult {
  report: ToyReport;
  scores: CaseScore[];
}

/** A GenerateTurn over a loaded engine model. */
export function engineTurn(model: EngineModel, options: ToyEvalOptions = {}): GenerateTurn {
  let turn = 0;
  return async (prompt) => {
    const ids: number[] = [];
    const tokens = model.tokens(renderConversationForCompletion(prompt, "assistant"), {
      temperature: options.temperature ?? 0,
      maxTokens: options.maxTokens ?? 400,
      // Each turn its own seed, derived from the run's: reproducible, yet not the same draw every time.
      ...(options.samplingSeed !== undefined ? { seed: options.samplingSeed + turn++ } : {}),
    });
    for await (const id of tokens) ids.push(id);
    return ids;
  };
}

export async function evaluateToyModel(
  model: EngineModel,
  options: ToyEvalOptions = {},
): Promise<ToyEvalResult> {
  const cases = heldOutCases({ seed: options.seed ?? 1, count: options.count ?? 100 });
  const generate = engineTurn(model, options);
  const scores: CaseScore[] = [];
  for (const testCase of cases) scores.push(await scoreCase(testCase, generate));
  return { report: summarize(cases, scores), scores };
}

/** Load `path` with test-friendly settings (1 thread: toy models are tiny) and evaluate it. */
export async function evaluateToyFile(path: string, options: ToyEvalOptions = {}): Promise<ToyEvalResult> {
  const model = await loadModel(path, { threads: 1, contextSize: 2048 });
  try {
    return await evaluateToyModel(model, options);
  } finally {
    await model.dispose();
  }
}
