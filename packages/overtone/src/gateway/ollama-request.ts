/**
 * The request fields `/api/chat` and `/api/generate` share (gateway.md §4.1–4.2, backends.md §1.1/§1.5): `model`,
 * `stream` (default true: curl-style clients leave it out, rule 37), `think`, `options`, `format`, `keep_alive`,
 * `tools`, and the checks of text fields and `images` both make. The conversation's head and the settings with the model's defaults are generate-request.ts's.
 *
 * `think` is how Ollama clients choose the reasoning effort (rule 41, §6 item 13): `"low"|"medium"|"high"` as is,
 * `"max"` → high (Harmony knows no higher level, Ollama maps it the same way). `true` and `false` leave the
 * model's default effort: gpt-oss cannot switch its reasoning off (Ollama ignores booleans for it too), so
 * `think: false` still streams `thinking`. LangChain ChatOllama can only send the booleans.
 */
import type { ToolDescription } from "@overtone/harmony";
import type { Effort } from "../backends/contract.js";
import { effortWord, functionTool } from "./generate-request.js";
import { asObject, badRequest } from "./protocol.js";

export type OllamaThink = boolean | Effort | "max";

/** A JSON-mode request (`"json"`) or a JSON Schema for the answer. */
export type OllamaFormat = "json" | Record<string, unknown>;

/** What both endpoints take besides their messages or prompt. */
export interface OllamaCommonFields {
  model: string;
  stream: boolean;
  /** As sent; `effort` is what it means for gpt-oss. */
  think?: OllamaThink;
  effort?: Effort;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** `options.num_predict`; absent for -1 (Ollama's "no limit") and every other value ≤ 0. */
  maxTokens?: number;
  /** `options.stop`, validated but not applied: the backend contract has no stop sequences. */
  stop?: string[];
  /** Passed to the backend as `responseFormat`, and the answer checked (structured-output.ts). */
  format?: OllamaFormat;
  /** `keep_alive: 0`: with nothing to generate, Ollama replies `done_reason: "unload"` instead of `"load"`. */
  keepAliveZero: boolean;
}

/** The levels Ollama takes for `think` (fewer words than OpenAI's efforts; max → high as there). */
const THINK_LEVELS: readonly unknown[] = ["low", "medium", "high", "max"];

/** The body as an object, or a 400 (every Ollama request is a JSON object). */
export function requestObject(body: unknown): Record<string, unknown> {
  const object = asObject(body);
  if (object === undefined) throw badRequest("the request body must be a JSON object");
  return object;
}

export function parseCommonFields(body: Record<string, unknown>): OllamaCommonFields {
  const model = body.model;
  if (typeof model !== "string" || model === "") {
    throw badRequest('model is required: a non-empty string naming the model, e.g. "gpt-oss:20b"', "model");
  }
  const stream = body.stream ?? true;
  if (typeof stream !== "boolean") throw badRequest("stream must be true or false", "stream");
  return {
    model,
    stream,
    ...parseThink(body.think),
    ...parseOptions(body.options),
    ...parseFormat(body.format),
    keepAliveZero: isZeroDuration(body.keep_alive),
  };
}

/** `think` and the effort it asks for; anything else is Ollama's own 400 (rule 41). */
export function parseThink(value: unknown): { think?: OllamaThink; effort?: Effort } {
  if (value === undefined || value === null) return {};
  if (typeof value === "boolean") return { think: value };
  const effort = THINK_LEVELS.includes(value) ? effortWord(value) : undefined;
  if (effort === undefined) {
    throw badRequest(
      `invalid think value: ${JSON.stringify(value)} (must be "high", "medium", "low", "max", true, or false)`,
      "think",
    );
  }
  return { think: value as OllamaThink, effort };
}

type SamplingFields = Pick<OllamaCommonFields, "temperature" | "topP" | "seed" | "maxTokens" | "stop">;

/** `options` (Modelfile parameters): the ones the backend contract can carry; `num_ctx` and the rest are ignored. */
export function parseOptions(value: unknown): SamplingFields {
  if (value === undefined || value === null) return {};
  const options = asObject(value);
  if (options === undefined) throw badRequest("options must be an object of model parameters", "options");
  const out: SamplingFields = {};
  const temperature = numberOption(options, "temperature");
  if (temperature !== undefined) out.temperature = temperature;
  const topP = numberOption(options, "top_p");
  if (topP !== undefined) out.topP = topP;
  // Ollama's seed -1 (its default) means "random", as no seed does.
  const seed = numberOption(options, "seed", true);
  if (seed !== undefined && seed >= 0) out.seed = seed;
  const numPredict = numberOption(options, "num_predict", true);
  if (numPredict !== undefined && numPredict > 0) out.maxTokens = numPredict;
  const stop = options.stop;
  if (typeof stop === "string") out.stop = [stop];
  else if (Array.isArray(stop) && stop.every((s) => typeof s === "string")) out.stop = stop;
  else if (stop !== undefined && stop !== null) {
    throw badRequest("options.stop must be an array of strings", "options.stop");
  }
  return out;
}

function numberOption(options: Record<string, unknown>, key: string, integer = false): number | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw badRequest(`options.${key} must be ${integer ? "an integer" : "a number"}`, `options.${key}`);
  }
  return value;
}

export function parseFormat(value: unknown): { format?: OllamaFormat } {
  if (value === undefined || value === null || value === "") return {};
  if (value === "json") return { format: "json" };
  const schema = asObject(value);
  if (schema === undefined) throw badRequest('format must be "json" or a JSON Schema object', "format");
  return { format: schema };
}

/** A string field that may be absent or null; anything else is a 400 naming it (`where.key`, or `key` at the top). */
export function optionalText(
  object: Record<string, unknown>,
  key: string,
  where?: string,
): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  const param = where === undefined ? key : `${where}.${key}`;
  if (typeof value !== "string") throw badRequest(`${param} must be a string`, param);
  return value;
}

/** `images` (of a request or a chat message): gpt-oss reads text only, so any is a 400; an empty list is none. */
export function refuseImages(object: Record<string, unknown>, where?: string): void {
  const images = object.images;
  if (images === undefined || images === null || (Array.isArray(images) && images.length === 0)) return;
  const param = where === undefined ? "images" : `${where}.images`;
  throw badRequest(`${param} are not supported: gpt-oss reads text only`, param);
}

/** `keep_alive` 0 in any of its spellings: `0`, `"0"`, `"0s"`, `"0m"`, … */
function isZeroDuration(value: unknown): boolean {
  if (typeof value === "number") return value === 0;
  return typeof value === "string" && /^0+(\.0*)?(ns|us|µs|ms|s|m|h)?$/.test(value.trim());
}

/** `tools` in Ollama's (and OpenAI's) shape: `[{type: "function", function: {name, description, parameters}}]`. */
export function parseTools(value: unknown): ToolDescription[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("tools must be an array of function tools", "tools");
  return value.map((entry, i) => {
    const where = `tools[${i}]`;
    const tool = asObject(entry);
    if (tool === undefined) throw badRequest(`${where} must be an object`, where);
    if (tool.type !== undefined && tool.type !== "function") {
      throw badRequest(
        `${where}.type must be "function", found ${JSON.stringify(tool.type)}`,
        `${where}.type`,
      );
    }
    const fn = asObject(tool.function);
    if (fn === undefined) throw badRequest(`${where}.function must be an object`, `${where}.function`);
    return functionTool(fn, `${where}.function`);
  });
}
