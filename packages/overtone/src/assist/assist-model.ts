/**
 * How the assistant asks its model: a prompt built by the agent kit (one system and one developer message,
 * sections in order), sent through the Backend contract with gpt-oss's sampling (temperature 1, top_p 1, unless
 * the caller set others), and the FINAL channel collected as the answer. The reasoning is kept apart — handed
 * to an observer for logs, never part of an answer — which is the whole fix for report 004's "4/5 empty": an
 * answer is what the model said in its final channel, and a turn without one is tried again or is an error that
 * says why (assist-tasks.ts).
 */
import { AbortedError, BackendError } from "@overtone/errors";
import type { FinishReason, Usage } from "@overtone/harmony";
import { agentConversation, type PromptSection } from "../agent/prompt-builder.js";
import type { Backend, Effort, Route } from "../backends/contract.js";
import { GPT_OSS_TEMPERATURE, GPT_OSS_TOP_P } from "../backends/gpt-oss-profile.js";

export interface AssistModel {
  backend: Backend;
  /** The model name for the backend (servers); the embedded backend has its model already. */
  model?: string;
  effort?: Effort;
  /** Output budget, reasoning included (default DEFAULT_MAX_TOKENS). */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** `auto` lets the gpt-oss profile route gpt-oss to the server's chat API; `chat`/`raw` force one. */
  route?: Route;
}

/** Room for gpt-oss's reasoning at medium effort and an answer of a dozen lines. */
export const DEFAULT_MAX_TOKENS = 2048;

export interface AssistPrompt {
  identity: string;
  sections: readonly PromptSection[];
  question: string;
}

/** One finished generation: the answer alone, and what logs want to know about it. */
export interface Generation {
  answer: string;
  /** The analysis channel's text: for the observer (logs, tests), never sent to a client. */
  reasoning: string;
  finishReason: FinishReason;
  notice?: string;
  usage?: Usage;
  elapsedMs: number;
}

/**
 * Generates one answer (empty when the turn ended without one: the caller decides whether to try again); a failed
 * generation throws its error, an aborted one an AbortedError.
 */
export async function generateAnswer(
  model: AssistModel,
  prompt: AssistPrompt,
  signal?: AbortSignal,
): Promise<Generation> {
  const started = performance.now();
  const effort = model.effort ?? "medium";
  let answer = "";
  let reasoning = "";
  let finish: { reason: FinishReason; notice?: string; usage?: Usage } = { reason: "error" };
  for await (const part of model.backend.stream({
    conversation: agentConversation({
      identity: prompt.identity,
      sections: prompt.sections,
      effort,
      question: prompt.question,
    }),
    effort,
    maxTokens: model.maxTokens ?? DEFAULT_MAX_TOKENS,
    temperature: model.temperature ?? GPT_OSS_TEMPERATURE,
    topP: model.topP ?? GPT_OSS_TOP_P,
    ...(model.model !== undefined ? { model: model.model } : {}),
    ...(model.seed !== undefined ? { seed: model.seed } : {}),
    ...(model.route !== undefined ? { route: model.route } : {}),
    ...(signal !== undefined ? { signal } : {}),
  })) {
    if (part.type === "final-delta") answer += part.delta;
    else if (part.type === "analysis-delta") reasoning += part.delta;
    else if (part.type === "error") throw part.error;
    else if (part.type === "finish") {
      finish = {
        reason: part.reason,
        ...(part.notice !== undefined ? { notice: part.notice } : {}),
        ...(part.usage !== undefined ? { usage: part.usage } : {}),
      };
    }
  }
  if (finish.reason === "aborted") throw new AbortedError("the client went away before the answer was ready");
  return {
    answer: answer.trim(),
    reasoning,
    finishReason: finish.reason,
    ...(finish.notice !== undefined ? { notice: finish.notice } : {}),
    ...(finish.usage !== undefined ? { usage: finish.usage } : {}),
    elapsedMs: performance.now() - started,
  };
}

/** The error for a turn that never answered, after `tries` generations: why, and what to do about it. */
export function noAnswerError(generation: Generation, location: string, tries: number): BackendError {
  const notice = generation.notice !== undefined ? `: ${generation.notice}` : "";
  return new BackendError(
    `the model gave no answer (finish: ${generation.finishReason}${tries > 1 ? `, ${tries} tries` : ""})${notice}`,
    {
      url: location,
      retryable: true,
      hint:
        generation.finishReason === "length"
          ? "the token budget ran out while the model reasoned: start the service with a larger --max-tokens or a lower --effort"
          : "try again; if it keeps happening, check the backend with `overtone run`",
    },
  );
}

/**
 * One generation at a time, in arrival order: an embedded model serves one sequence (a second one would be
 * refused as busy), and report 004's ladder measures one request at a time.
 */
export function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
