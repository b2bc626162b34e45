/**
 * What every protocol's request becomes the same way on its way to a backend `GenerateRequest`: the reasoning
 * effort a client asks for (OpenAI's `reasoning_effort` and `reasoning.effort`, Ollama's `think`) as one of
 * Harmony's three levels (rule 19); a declared function tool, checked as Harmony renders tools; the head of the
 * Harmony conversation every gpt-oss chat template builds (a system message with today's date, then ONE
 * developer message with all instructions and the offered tools: gpt-oss keeps only one); and the sampling
 * settings, the request's or else the served model's defaults.
 */
import { InputError } from "@overtone/errors";
import {
  checkToolDescription,
  developerContent,
  developerMessage,
  type Message,
  systemContent,
  systemMessage,
  type ToolDescription,
  withFunctionTools,
} from "@overtone/harmony";
import type { Effort, GenerateRequest } from "../backends/contract.js";
import { badRequest, type ServedModel } from "./protocol.js";

/** OpenAI's effort words onto Harmony's three levels: gpt-oss knows no lower or higher one (rule 19). */
const EFFORTS: Readonly<Record<string, Effort>> = {
  none: "low",
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
  max: "high",
};

/** The level an effort word names; undefined for anything else (`"constructor"` included). */
export function effortWord(value: unknown): Effort | undefined {
  return typeof value === "string" && Object.hasOwn(EFFORTS, value) ? EFFORTS[value] : undefined;
}

/** An effort field of a request: absent or null is not set; a word it does not know is a 400 naming `param`. */
export function effortOf(value: unknown, param: string): Effort | undefined {
  if (value === undefined || value === null) return undefined;
  const effort = effortWord(value);
  if (effort === undefined) {
    throw badRequest(`${param} must be one of: ${Object.keys(EFFORTS).join(", ")}`, param);
  }
  return effort;
}

/**
 * A function tool a request declares, from its `name`, `description` and `parameters` at `at` (`tools[0].function`
 * in the nested Chat and Ollama shape, `tools[0]` in the flat Responses one): a name Harmony can render,
 * `parameters` a JSON Schema object or absent, `description` a string or absent (""). A wrong field is a 400
 * naming it, with the fix.
 */
export function functionTool(fields: Record<string, unknown>, at: string): ToolDescription {
  const { name, description, parameters } = fields;
  if (typeof name !== "string") throw badRequest(`${at}.name must be a string`, `${at}.name`);
  if (description !== undefined && description !== null && typeof description !== "string") {
    throw badRequest(`${at}.description must be a string`, `${at}.description`);
  }
  try {
    checkToolDescription(name, parameters, at);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw badRequest(error.hint ? `${error.message} (${error.hint})` : error.message, error.where);
  }
  return {
    name,
    description: typeof description === "string" ? description : "",
    ...(parameters !== undefined && parameters !== null
      ? { parameters: parameters as ToolDescription["parameters"] }
      : {}),
  };
}

/**
 * The messages a gpt-oss conversation opens with: the system message (the date of `now`) and, when there are
 * instructions or tools, ONE developer message holding all of them, the instructions joined by a blank line in
 * order. The effort is the caller's: it travels as `GenerateRequest.effort`.
 */
export function conversationHead(
  instructions: readonly string[],
  tools: readonly ToolDescription[],
  now: Date = new Date(),
): Message[] {
  const head = [systemMessage(systemContent({ conversation_start_date: now.toISOString().slice(0, 10) }))];
  if (instructions.length === 0 && tools.length === 0) return head;
  const content = developerContent(
    instructions.length > 0 ? { instructions: instructions.join("\n\n") } : {},
  );
  head.push(developerMessage(tools.length > 0 ? withFunctionTools(content, tools) : content));
  return head;
}

/** What a request may say about sampling and budget (each protocol names these fields its own way). */
export interface RequestedSettings {
  effort?: Effort | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  topP?: number | undefined;
  seed?: number | undefined;
}

/** The GenerateRequest fields besides the conversation: the request's settings, else the model's defaults. */
export function generateSettings(
  asked: RequestedSettings,
  model: ServedModel,
  signal?: AbortSignal,
): Omit<GenerateRequest, "conversation"> {
  const { defaults } = model;
  const effort = asked.effort ?? defaults.effort;
  const maxTokens = asked.maxTokens ?? defaults.maxTokens;
  const temperature = asked.temperature ?? defaults.temperature;
  const topP = asked.topP ?? defaults.topP;
  return {
    ...(model.upstreamModel !== undefined ? { model: model.upstreamModel } : {}),
    ...(effort !== undefined ? { effort } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(asked.seed !== undefined ? { seed: asked.seed } : {}),
    ...(signal !== undefined ? { signal } : {}),
  };
}
