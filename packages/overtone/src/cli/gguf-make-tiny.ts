/** `overtone gguf make-tiny`: write a tiny gpt-oss GGUF with random weights and the real o200k_harmony vocabulary. */

import { InputError } from "@overtone/errors";
import {
  EXPERTS_TYPES,
  type MakeTinyGptOssResult,
  makeTinyGptOss,
  resolveTinyGptOssOptions,
  TINY_GPT_OSS_DEFAULTS,
  TINY_LIMITS,
  TINY_TEMPLATES,
  type TinyGptOssShape,
} from "@overtone/makers";
import type { Command } from "commander";
import { bytes } from "./format.js";
import { makeTinyLlamaFromFlags } from "./gguf-make-tiny-llama.js";
import { choice, writeOut } from "./io.js";

interface MakeTinyFlags {
  out: string;
  expertsType: string;
  template: string;
  seed: string;
  json?: boolean;
  [shapeFlag: string]: string | boolean | undefined;
}

/** Integer-valued flags: [flag, option key]. */
const INTEGER_FLAGS: [string, keyof TinyGptOssShape | "seed", string][] = [
  ["--seed <n>", "seed", "PRNG seed; the same seed and options give a byte-identical file"],
  ["--layers <n>", "layers", "transformer blocks"],
  ["--embd <n>", "embd", "residual width (n_embd)"],
  ["--experts <n>", "experts", "experts per layer"],
  ["--experts-used <n>", "expertsUsed", "experts routed per token (top-k)"],
  ["--heads <n>", "heads", "attention heads"],
  ["--kv-heads <n>", "kvHeads", "key/value heads (a divisor of heads)"],
  ["--head-dim <n>", "headDim", "size of each head (even)"],
  ["--ff <n>", "ff", "expert feed-forward width"],
  ["--context-length <n>", "contextLength", "trained context length written to the file"],
  ["--sliding-window <n>", "slidingWindow", "window of the sliding-window layers"],
];

/** A whole number within the option's limits, or an InputError naming the flag. */
export function integerFlag(flag: string, value: string, [min, max]: readonly [number, number]): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(`${flag}: ${JSON.stringify(value)} is not a whole number from ${min} to ${max}`, {
      where: flag,
      hint: `pass an integer in ${min}..${max}`,
    });
  }
  return n;
}

function flagName(spec: string): string {
  return spec.split(" ")[0] as string;
}

/** `--experts-used` → `expertsUsed`, as commander names the parsed value. */
function camel(flag: string): string {
  return flag.replace(/^--/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The library names options (`expertsUsed`); a CLI user typed flags (`--experts-used`). */
function asFlagError(e: InputError): InputError {
  const spec = INTEGER_FLAGS.find(([, key]) => key === e.where)?.[0];
  if (spec === undefined) return e;
  const flag = flagName(spec);
  const message = e.message.startsWith(`${e.where}:`)
    ? `${flag}${e.message.slice(e.where.length)}`
    : e.message;
  return new InputError(message, {
    where: flag,
    ...(e.hint === undefined ? {} : { hint: e.hint }),
    cause: e,
  });
}

function summary(r: MakeTinyGptOssResult): string {
  return (
    `wrote ${r.path}: ${bytes(r.bytes)} (${r.bytes} bytes), ${r.tensorCount} tensors, ${r.parameters} parameters, ` +
    `${r.options.expertsType} experts, ${r.options.template} template, seed ${r.options.seed}, ` +
    `in ${(r.elapsedMs / 1000).toFixed(2)} s\n`
  );
}

export function registerGgufMakeTiny(gguf: Command): void {
  const command = gguf
    .command("make-tiny")
    .description(
      "write a tiny gpt-oss GGUF (or --arch llama: a Llama one) with random weights and the real o200k vocabulary",
    )
    .requiredOption("--out <file>", "GGUF file to write (replaced atomically)")
    .option(
      "--arch <arch>",
      "gpt-oss, or llama (a non-Harmony model with a ChatML template, for ladders)",
      "gpt-oss",
    )
    .option(
      "--experts-type <type>",
      `expert weights: ${EXPERTS_TYPES.join(" or ")}`,
      TINY_GPT_OSS_DEFAULTS.expertsType,
    )
    .option(
      "--template <name>",
      "chat template: harmony (official), chatml (the wrong one of field report 000), none",
      TINY_GPT_OSS_DEFAULTS.template,
    );
  for (const [spec, key, help] of INTEGER_FLAGS) {
    command.option(spec, `${help} (default ${TINY_GPT_OSS_DEFAULTS[key]})`);
  }
  command.option("--json", "print the result as JSON").action(async (flags: MakeTinyFlags) => {
    const arch = choice("--arch", String(flags.arch), ["gpt-oss", "llama"] as const);
    if (arch === "llama") {
      for (const [flag, given, fallback] of [
        ["--experts-type", flags.expertsType, TINY_GPT_OSS_DEFAULTS.expertsType],
        ["--template", flags.template, TINY_GPT_OSS_DEFAULTS.template],
      ] as const) {
        if (given !== fallback) {
          throw new InputError(`${flag} is a gpt-oss setting; the llama model has F16 weights and ChatML`, {
            where: flag,
            hint: `drop ${flag} with --arch llama`,
          });
        }
      }
      await makeTinyLlamaFromFlags(flags, flags.out, flags.json === true);
      return;
    }
    const options: Record<string, number> = {};
    for (const [spec, key] of INTEGER_FLAGS) {
      const raw = flags[camel(flagName(spec))];
      if (typeof raw === "string") options[key] = integerFlag(flagName(spec), raw, TINY_LIMITS[key]);
    }
    const chosen = {
      expertsType: choice("--experts-type", flags.expertsType, EXPERTS_TYPES),
      template: choice("--template", flags.template, TINY_TEMPLATES),
      ...options,
    };
    try {
      // Checked here first so that a bad combination is reported by its flag, not the library's option name.
      resolveTinyGptOssOptions(chosen);
    } catch (e) {
      throw e instanceof InputError ? asFlagError(e) : e;
    }
    const result = await makeTinyGptOss({ out: flags.out, ...chosen });
    await writeOut(flags.json ? `${JSON.stringify(result)}\n` : summary(result));
  });
}
