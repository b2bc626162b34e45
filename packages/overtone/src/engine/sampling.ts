/**
 * A request's sampling settings → node-llama-cpp's evaluate options, with gpt-oss's defaults (temperature 1,
 * top_p 1: OpenAI's recommendation for the model, also in the backends' gpt-oss profile).
 *
 * Top-k is left out of llama.cpp's sampler chain entirely. node-llama-cpp's own default is 40 (not gpt-oss's
 * distribution), and its "no limit" value 0 becomes top-k = vocabulary size, which sorts all 201,088 logits on
 * every token: measured here at ~40 ms per token, 4–5× slower than the tiny model's whole decode step. Passing
 * `null` makes node-llama-cpp drop the key (`removeNullFields`), so the addon frees its top-k sampler and the
 * distribution sampler draws from the full softmax without sorting (test/engine/engine-model.test.ts checks that
 * more than 40 different first tokens come out).
 */

import { InputError } from "@overtone/errors";
import type { SequenceEvaluateOptions } from "node-llama-cpp";

const GPT_OSS_TEMPERATURE = 1;
const GPT_OSS_TOP_P = 1;

export interface SamplingOptions {
  /** 0 means greedy. Default 1. */
  temperature?: number;
  /** Nucleus sampling, in (0, 1]. Default 1 (off). */
  topP?: number;
  /** For reproducible sampling; default: a fresh seed per request. */
  seed?: number;
}

/** The evaluate options for `options`, after checking them (InputError naming the bad field). */
export function evaluateOptions(options: SamplingOptions): SequenceEvaluateOptions {
  const temperature = options.temperature ?? GPT_OSS_TEMPERATURE;
  const topP = options.topP ?? GPT_OSS_TOP_P;
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new InputError(`temperature: ${temperature} is not a number ≥ 0`, {
      where: "temperature",
      hint: "use 1 (gpt-oss's default), or 0 for greedy decoding",
    });
  }
  if (!Number.isFinite(topP) || topP <= 0 || topP > 1) {
    throw new InputError(`topP: ${topP} is not in (0, 1]`, {
      where: "topP",
      hint: "use 1 (gpt-oss's default)",
    });
  }
  if (options.seed !== undefined && (!Number.isSafeInteger(options.seed) || options.seed < 0)) {
    throw new InputError(`seed: ${options.seed} is not an integer ≥ 0`, {
      where: "seed",
      hint: "pass e.g. 42",
    });
  }
  return {
    temperature,
    topP,
    minP: 0,
    // See the file comment: null (not undefined, which would restore the default 40) removes top-k.
    topK: null as unknown as number,
    ...(options.seed !== undefined ? { seed: options.seed } : { seed: freshSeed() }),
  };
}

/** node-llama-cpp's own fallback seed is the current second, so two requests in one second would repeat. */
function freshSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

/** Checks an output budget: a positive integer, or undefined for "until the context is full". */
export function checkMaxTokens(maxTokens: number | undefined): void {
  if (maxTokens === undefined) return;
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 1) {
    throw new InputError(`maxTokens: ${maxTokens} is not a positive integer`, {
      where: "maxTokens",
      hint: "pass the most output tokens (reasoning included) to generate, e.g. 2048",
    });
  }
}
