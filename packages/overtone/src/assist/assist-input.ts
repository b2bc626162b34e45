/**
 * The request bodies of the assistant's routes, checked: each reader takes the parsed JSON and returns the typed
 * input, or throws an InputError whose `where` names the field (`ideas[2]`), so a 400 says exactly what to fix.
 * Optional fields get the defaults documented in docs/assist.md.
 */
import { InputError } from "@overtone/errors";
import { PROBLEM_CATEGORIES, type ProblemCategory } from "./assist-prompts.js";

export interface DiagnoseInput {
  problem: string;
  category?: ProblemCategory;
}
export interface BrainstormInput {
  topic: string;
  n: number;
  creativity: 1 | 2;
}
export interface JudgeInput {
  ideas: string[];
  criteria?: string;
}
export interface ExecuteInput {
  command: string;
}

export const MAX_IDEAS = 10;
export const MAX_JUDGED_IDEAS = 20;
const MAX_TEXT = 4000;

export function diagnoseInput(body: unknown): DiagnoseInput {
  const fields = object(body);
  const category = fields.category;
  if (category !== undefined && !PROBLEM_CATEGORIES.includes(category as ProblemCategory)) {
    throw new InputError(
      `category must be one of ${PROBLEM_CATEGORIES.join(", ")}, found ${show(category)}`,
      {
        where: "category",
        hint: "leave it out to have it guessed from the problem's words",
      },
    );
  }
  return {
    problem: text(fields, "problem", MAX_TEXT, 'e.g. {"problem": "WiFi not working"}'),
    ...(category !== undefined ? { category: category as ProblemCategory } : {}),
  };
}

export function brainstormInput(body: unknown): BrainstormInput {
  const fields = object(body);
  const n = fields.n ?? 5;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_IDEAS) {
    throw new InputError(`n must be a whole number from 1 to ${MAX_IDEAS}, found ${show(n)}`, { where: "n" });
  }
  const creativity = fields.creativity ?? 1;
  if (creativity !== 1 && creativity !== 2) {
    throw new InputError(`creativity must be 1 (practical) or 2 (bold), found ${show(creativity)}`, {
      where: "creativity",
    });
  }
  return {
    topic: text(fields, "topic", MAX_TEXT, 'e.g. {"topic": "keeping a laptop cool", "n": 3}'),
    n,
    creativity,
  };
}

export function judgeInput(body: unknown): JudgeInput {
  const fields = object(body);
  const ideas = fields.ideas;
  if (!Array.isArray(ideas) || ideas.length === 0 || ideas.length > MAX_JUDGED_IDEAS) {
    throw new InputError(`ideas must be a list of 1 to ${MAX_JUDGED_IDEAS} strings, found ${show(ideas)}`, {
      where: "ideas",
      hint: 'e.g. {"ideas": ["a cooling pad", "a cooler room"]}, or the ideas a brainstorm returned',
    });
  }
  ideas.forEach((idea, i) => {
    if (typeof idea !== "string" || idea.trim() === "" || idea.length > MAX_TEXT) {
      throw new InputError(
        `ideas[${i}] must be a non-empty string of at most ${MAX_TEXT} characters, found ${show(idea)}`,
        {
          where: `ideas[${i}]`,
        },
      );
    }
  });
  return {
    ideas: ideas as string[],
    ...(fields.criteria !== undefined ? { criteria: text(fields, "criteria", MAX_TEXT) } : {}),
  };
}

export function executeInput(body: unknown): ExecuteInput {
  const fields = object(body);
  if (typeof fields.command !== "string") {
    throw new InputError(`command must be a string, found ${show(fields.command)}`, {
      where: "command",
      hint: 'e.g. {"command": "ip addr"}',
    });
  }
  return { command: fields.command };
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InputError(`the request body must be a JSON object, found ${show(body)}`, { where: "body" });
  }
  return body as Record<string, unknown>;
}

function text(fields: Record<string, unknown>, name: string, max: number, hint?: string): string {
  const value = fields[name];
  if (typeof value !== "string" || value.trim() === "" || value.length > max) {
    throw new InputError(
      `${name} must be a non-empty string of at most ${max} characters, found ${show(value)}`,
      {
        where: name,
        ...(hint !== undefined ? { hint } : {}),
      },
    );
  }
  return value;
}

/** A value as a message shows it: its JSON, cut short, or what it is when there is none. */
function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}
