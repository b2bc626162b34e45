/**
 * What the model-backed routes do: diagnose a problem into steps, brainstorm exactly n ideas, rank ideas. Each
 * answer is the final channel only (assist-model.ts), read by the tolerant parsers (list-parsing.ts), and
 * returned with its raw text and whether it parsed cleanly, so a ladder can grade both (report 004's
 * `parsed_ok`, `idea_count`). Every generation is reported to `observe`, reasoning included, for logs.
 */
import { BackendError } from "@overtone/errors";
import type { BrainstormInput, DiagnoseInput, JudgeInput } from "./assist-input.js";
import { type AssistModel, type AssistPrompt, type Generation, generateAnswer } from "./assist-model.js";
import {
  brainstormPrompt,
  DEFAULT_CRITERIA,
  diagnosePrompt,
  judgePrompt,
  problemCategory,
} from "./assist-prompts.js";
import { parseList, parseRanking } from "./list-parsing.js";

export type AssistTask = "diagnose" | "brainstorm" | "judge";

export interface TaskContext {
  model: AssistModel;
  signal: AbortSignal;
  /** Runs the generation in turn (one at a time). */
  queue: <T>(task: () => Promise<T>) => Promise<T>;
  observe?: (task: AssistTask, generation: Generation) => void;
}

async function ask(
  context: TaskContext,
  task: AssistTask,
  prompt: AssistPrompt,
  seedOffset = 0,
): Promise<Generation> {
  const seed = context.model.seed;
  // A retry with the same seed would give the same answer again.
  const model = seed === undefined ? context.model : { ...context.model, seed: seed + seedOffset };
  const generation = await context.queue(() => generateAnswer(model, prompt, context.signal));
  context.observe?.(task, generation);
  return generation;
}

export async function diagnose(context: TaskContext, input: DiagnoseInput) {
  const category = input.category ?? problemCategory(input.problem);
  const generation = await ask(context, "diagnose", diagnosePrompt(input.problem, category));
  const list = parseList(generation.answer);
  return {
    problem: input.problem,
    category,
    steps: list.items,
    parsedOk: list.style === "numbered" || list.style === "bulleted" || list.style === "json",
    answer: generation.answer,
  };
}

/**
 * Exactly n ideas: the first answer's list, and while it holds fewer, more answers asked for the missing ones
 * (those given named, so they are not repeated), up to n + 1 generations in all.
 */
export async function brainstorm(context: TaskContext, input: BrainstormInput) {
  const ideas: string[] = [];
  const seen = new Set<string>();
  let parsedOk = false;
  let attempts = 0;
  while (ideas.length < input.n && attempts <= input.n) {
    const missing = input.n - ideas.length;
    const prompt = brainstormPrompt(input.topic, missing, input.creativity, ideas);
    const generation = await ask(context, "brainstorm", prompt, attempts);
    const list = parseList(generation.answer);
    if (attempts === 0)
      parsedOk = list.style !== "lines" && list.style !== "sentences" && list.items.length >= input.n;
    attempts++;
    for (const idea of list.items) {
      const key = idea.toLowerCase();
      if (ideas.length < input.n && !seen.has(key)) {
        seen.add(key);
        ideas.push(idea);
      }
    }
  }
  if (ideas.length < input.n) {
    throw new BackendError(
      `the model gave ${ideas.length} distinct ideas of the ${input.n} asked for, in ${attempts} answers`,
      {
        url: context.model.backend.location,
        retryable: true,
        hint: "try again, ask for fewer ideas, or use a larger model",
      },
    );
  }
  return { topic: input.topic, n: input.n, creativity: input.creativity, ideas, parsedOk, attempts };
}

export async function judge(context: TaskContext, input: JudgeInput) {
  const generation = await ask(
    context,
    "judge",
    judgePrompt(input.ideas, input.criteria ?? DEFAULT_CRITERIA),
  );
  const ranking = parseRanking(generation.answer, input.ideas.length);
  return {
    ranking: ranking.order.map((index, place) => ({
      rank: place + 1,
      index,
      idea: input.ideas[index] as string,
    })),
    reasons: ranking.reasons,
    parsedOk: ranking.parsedOk,
    answer: generation.answer,
  };
}
