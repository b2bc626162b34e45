/**
 * What the model-backed routes do: diagnose a problem into steps, brainstorm exactly n ideas, rank ideas. Each
 * answer is the final channel only (assist-model.ts), read by the tolerant parsers (list-parsing.ts), and
 * returned with its raw text and whether it parsed cleanly, so a ladder can grade both (report 004's
 * `parsed_ok`, `idea_count`). Every generation is reported to `observe`, reasoning included, for logs.
 */
import { BackendError } from "@overtone/errors";
import type { BrainstormInput, DiagnoseInput, JudgeInput } from "./assist-input.js";
import {
  type AssistModel,
  type AssistPrompt,
  type Generation,
  generateAnswer,
  noAnswerError,
} from "./assist-model.js";
import {
  brainstormPrompt,
  DEFAULT_CRITERIA,
  diagnosePrompt,
  judgePrompt,
  problemCategory,
} from "./assist-prompts.js";
import { ALLOWLIST } from "./command-allowlist.js";
import { parseList, parseRanking } from "./list-parsing.js";
import { checkCommand } from "./safe-execute.js";

export type AssistTask = "diagnose" | "brainstorm" | "judge";

export interface TaskContext {
  model: AssistModel;
  signal: AbortSignal;
  /** Runs the generation in turn (one at a time). */
  queue: <T>(task: () => Promise<T>) => Promise<T>;
  observe?: (task: AssistTask, generation: Generation) => void;
}

/**
 * Tries for one answer. A turn that ended after its reasoning without an answer (finish `stop`, llama.cpp#15789)
 * or with a malformed tool call instead of one (`tool-calls`, though no tools were offered) usually answers when
 * asked again with another seed — both seen with the toy behind a real llama-server; one cut by the token budget
 * (`length`) would be cut again, and a failed one (`error`) says why itself.
 */
export const ANSWER_TRIES = 3;

async function ask(
  context: TaskContext,
  task: AssistTask,
  prompt: AssistPrompt,
  seedOffset = 0,
): Promise<Generation> {
  const seed = context.model.seed;
  for (let tries = 1; ; tries++) {
    // A retry with the same seed would give the same turn again.
    const offset = seedOffset + (tries - 1) * 100;
    const model = seed === undefined ? context.model : { ...context.model, seed: seed + offset };
    const generation = await context.queue(() => generateAnswer(model, prompt, context.signal));
    context.observe?.(task, generation);
    if (generation.answer !== "") return generation;
    const retryable = generation.finishReason === "stop" || generation.finishReason === "tool-calls";
    if (!retryable || tries >= ANSWER_TRIES) {
      throw noAnswerError(generation, context.model.backend.location, tries);
    }
  }
}

export async function diagnose(context: TaskContext, input: DiagnoseInput) {
  const category = input.category ?? problemCategory(input.problem);
  const generation = await ask(context, "diagnose", diagnosePrompt(input.problem, category));
  const list = parseList(generation.answer);
  return {
    problem: input.problem,
    category,
    steps: list.items,
    commands: suggestedCommands(list.items),
    risky: list.items.filter((step) => /^(?:\*\*)?RISK\b/i.test(step)),
    parsedOk: list.style === "numbered" || list.style === "bulleted" || list.style === "json",
    answer: generation.answer,
  };
}

/**
 * The commands the steps suggest (in backticks) that name an allowlisted command, each with whether
 * `/api/execute` would run it as written and, if not, why: a client can offer the runnable ones with one click,
 * and a ladder can count the unsafe suggestions (report 004's risk flags).
 */
export function suggestedCommands(
  steps: readonly string[],
): { command: string; runnable: boolean; reason: string }[] {
  const spans = steps.flatMap((step) =>
    [...step.matchAll(/`([^`\n]+)`/g)].map((m) => (m[1] as string).trim()),
  );
  const named = [...new Set(spans)].filter((span) =>
    Object.hasOwn(ALLOWLIST, span.split(/\s+/)[0] as string),
  );
  return named.map((command) => {
    const checked = checkCommand(command);
    return {
      command,
      runnable: checked.ok,
      reason: checked.ok ? `allowed: ${checked.argv[0]} ${checked.description}` : checked.reason,
    };
  });
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
