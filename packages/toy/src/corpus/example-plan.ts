/**
 * One training example as a conversation: a system message (effort, maybe a date), maybe a developer message
 * (instructions and/or a subset of the tool pool), maybe one earlier question and answer (its analysis already
 * dropped, as Harmony drops it), the question, and the assistant's turn. The turn is split into segments the
 * model generates and segments it is given (the tool's result), which is what the loss mask follows.
 */

import type { DeveloperContent, Message, ReasoningEffort, ToolDescription } from "@overtone/harmony";
import {
  developerMessage,
  message,
  systemContent,
  systemMessage,
  withFunctionTools,
} from "@overtone/harmony";
import type { SeededRandom } from "@overtone/makers";
import { drawArithmetic } from "./arithmetic-tasks.js";
import { drawCapital } from "./capital-tasks.js";
import { drawConversion } from "./conversion-tasks.js";
import { chance, pick, pickWeighted, sample } from "./random-choice.js";
import { drawString } from "./string-tasks.js";
import {
  type AnswerCategory,
  type AnswerTask,
  type Category,
  drawInSplit,
  EFFORTS,
  type Effort,
  type Split,
  type Task,
} from "./task.js";
import { TOOL_SPECS } from "./tool-pool.js";
import { drawToolTask } from "./tool-reasoning.js";
import { trainRestyle, usesRestyle } from "./tool-restyle.js";
import type { ToolSpec } from "./tool-spec.js";
import { DEVELOPER_INSTRUCTIONS } from "./word-pools.js";

export interface ExamplePlan {
  effort: Effort;
  /** `YYYY-MM-DD`, or undefined for a system message without a current date. */
  date: string | undefined;
  instructions: string | undefined;
  tools: ToolDescription[];
  /** The fitting tool's declared parameter names when its declaration renamed them (tool-restyle.ts). */
  names?: Readonly<Record<string, string>>;
  history: AnswerTask | undefined;
  task: Task;
}

/** How often each kind of question comes up; tool questions are the most, since they have the most to learn. */
const CATEGORY_WEIGHTS: readonly (readonly [Exclude<Category, "data">, number])[] = [
  ["tool", 45],
  ["arithmetic", 14],
  ["conversion", 12],
  ["capital", 13],
  ["string", 16],
];

const ANSWER_DRAWS: Readonly<Record<AnswerCategory, (rng: SeededRandom) => AnswerTask>> = {
  arithmetic: drawArithmetic,
  conversion: drawConversion,
  capital: drawCapital,
  string: drawString,
};

function drawAnswerTask(rng: SeededRandom, split: Split, category?: AnswerCategory): AnswerTask {
  const chosen = category ?? pick(rng, ["arithmetic", "conversion", "capital", "string"] as const);
  return drawInSplit(rng, split, ANSWER_DRAWS[chosen]);
}

const FIRST_DAY = Date.UTC(2024, 6, 1);
const DAYS = 1280; // to the end of 2027: covers the dates `overtone run` stamps in today's prompts

export const DATES: readonly string[] = Array.from({ length: DAYS }, (_, day) =>
  new Date(FIRST_DAY + day * 86_400_000).toISOString().slice(0, 10),
);

/**
 * How often a tool question comes with its tool listed. The rest, mostly with other tools listed, teach the model
 * to read the list rather than call whatever tool the question suggests (docs/toy-model.md).
 */
const FITTING_TOOL_LISTED = 0.65;

/** How many tools besides the fitting one a developer message lists: few, so most examples stay short. */
const OTHER_TOOLS_WITH_FIT: readonly (readonly [number, number])[] = [
  [0, 45],
  [1, 35],
  [2, 20],
];
const OTHER_TOOLS_WITHOUT_FIT: readonly (readonly [number, number])[] = [
  [0, 25],
  [1, 40],
  [2, 35],
];

/** The canonical declaration of a tool half the time, else one of its variants (see ToolSpec.variants). */
function declaration(rng: SeededRandom, spec: ToolSpec): ToolDescription {
  if (spec.variants === undefined || spec.variants.length === 0 || chance(rng, 0.5)) return spec.tool;
  return pick(rng, spec.variants);
}

function drawTools(
  rng: SeededRandom,
  task: Task,
  split: Split,
  restyledShare: number,
): { tools: ToolDescription[]; names?: Readonly<Record<string, string>> } {
  const fitting = task.kind === "tool" && chance(rng, FITTING_TOOL_LISTED) ? task.spec : undefined;
  const others = TOOL_SPECS.filter((s) => task.kind !== "tool" || s !== task.spec);
  const count = pickWeighted(rng, fitting !== undefined ? OTHER_TOOLS_WITH_FIT : OTHER_TOOLS_WITHOUT_FIT);
  const chosen = sample(rng, others, count);
  if (fitting !== undefined) chosen.push(fitting);
  let names: Readonly<Record<string, string>> | undefined;
  // Shuffled, so the fitting tool may be anywhere in the list.
  const tools = sample(rng, chosen, chosen.length).map((spec) => {
    // No draw at all when restyling is off: the shipped corpus stays exactly what it was.
    if (restyledShare === 0 || !usesRestyle(split) || !chance(rng, restyledShare))
      return declaration(rng, spec);
    const restyled = trainRestyle(rng, spec);
    if (spec === fitting) names = restyled.names;
    return restyled.tool;
  });
  return names !== undefined ? { tools, names } : { tools };
}

/** `restyledShare`: tool declarations restyled as others write them (tool-restyle.ts), training split only. */
export function drawPlan(rng: SeededRandom, split: Split, restyledShare = 0): ExamplePlan {
  const effort = pick(rng, EFFORTS);
  const date = chance(rng, 0.9) ? pick(rng, DATES) : undefined;
  const category = pickWeighted(rng, CATEGORY_WEIGHTS);
  const task: Task =
    category === "tool" ? drawInSplit(rng, split, drawToolTask) : drawAnswerTask(rng, split, category);
  const { tools, names } = drawTools(rng, task, split, restyledShare);
  const instructions = chance(rng, 0.5) ? pick(rng, DEVELOPER_INSTRUCTIONS) : undefined;
  const history = chance(rng, 0.2) ? drawAnswerTask(rng, split) : undefined;
  return { effort, date, instructions, tools, ...(names !== undefined ? { names } : {}), history, task };
}

const REASONING: Readonly<Record<Effort, ReasoningEffort>> = { low: "Low", medium: "Medium", high: "High" };

/**
 * System and developer messages repeat across examples (a few thousand distinct ones), so each is built once
 * and shared: renders of a shared message are then memoized by identity (example-tokens.ts). They are frozen,
 * since every conversation that holds one shares it.
 */
const sharedMessages = new Map<string, Message>();

function shared(key: string, build: () => Message): Message {
  let found = sharedMessages.get(key);
  if (found === undefined) {
    found = deepFreeze(build());
    sharedMessages.set(key, found);
  }
  return found;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function systemPart(plan: ExamplePlan): Message {
  return shared(`system|${plan.effort}|${plan.date}`, () =>
    systemMessage(
      systemContent({
        reasoning_effort: REASONING[plan.effort],
        ...(plan.date !== undefined ? { conversation_start_date: plan.date } : {}),
      }),
    ),
  );
}

function developerPart(plan: ExamplePlan): Message {
  const key = `developer|${plan.instructions}|${JSON.stringify(plan.tools)}`; // variants share a name
  return shared(key, () => {
    let developer: DeveloperContent =
      plan.instructions !== undefined ? { instructions: plan.instructions } : {};
    if (plan.tools.length > 0) developer = withFunctionTools(developer, plan.tools);
    return developerMessage(developer);
  });
}

/** The messages before the assistant's turn: what `overtone run` and the evaluation render as the prompt. */
export function promptMessages(plan: ExamplePlan): Message[] {
  const messages = [systemPart(plan)];
  if (plan.instructions !== undefined || plan.tools.length > 0) messages.push(developerPart(plan));
  if (plan.history !== undefined) {
    messages.push(message("user", plan.history.question));
    messages.push(message("assistant", plan.history.final, { channel: "final" }));
  }
  messages.push(message("user", plan.task.question));
  return messages;
}
