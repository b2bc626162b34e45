/**
 * `overtone gguf make-tiny --arch llama`: the non-Harmony model of a benchmark ladder (issue 16), made the same
 * way as the tiny gpt-oss — a Llama-architecture GGUF with the o200k vocabulary, a ChatML template and seeded
 * random weights (makers' makeTinyLlama). Only the flags that mean something for it are taken; a gpt-oss-only
 * flag is refused by name rather than ignored.
 */
import { InputError } from "@overtone/errors";
import { makeTinyLlama, type TinyLlamaOptions } from "@overtone/makers";
import { bytes } from "./format.js";
import { writeOut } from "./io.js";

/** Flags the Llama maker takes: [commander's name, option key, flag]. */
const LLAMA_FLAGS: [string, keyof Omit<TinyLlamaOptions, "out">, string][] = [
  ["seed", "seed", "--seed"],
  ["layers", "layers", "--layers"],
  ["embd", "embd", "--embd"],
  ["heads", "heads", "--heads"],
  ["kvHeads", "kvHeads", "--kv-heads"],
  ["ff", "ff", "--ff"],
  ["contextLength", "contextLength", "--context-length"],
];
const GPT_OSS_ONLY: [string, string][] = [
  ["experts", "--experts"],
  ["expertsUsed", "--experts-used"],
  ["headDim", "--head-dim"],
  ["slidingWindow", "--sliding-window"],
];
const WHOLE = /^\d+$/;

export async function makeTinyLlamaFromFlags(
  flags: Record<string, unknown>,
  out: string,
  json: boolean,
): Promise<void> {
  for (const [name, flag] of GPT_OSS_ONLY) {
    if (flags[name] !== undefined) {
      throw new InputError(`${flag} is a gpt-oss setting; a Llama model has no experts or sliding window`, {
        where: flag,
        hint: `drop ${flag}, or leave out --arch llama for a gpt-oss model`,
      });
    }
  }
  const options: Omit<TinyLlamaOptions, "out"> = {};
  for (const [name, key, flag] of LLAMA_FLAGS) {
    const raw = flags[name];
    if (typeof raw !== "string") continue;
    if (!WHOLE.test(raw.trim()) || Number(raw) < 1) {
      throw new InputError(`${flag}: ${JSON.stringify(raw)} is not a whole number of at least 1`, {
        where: flag,
        hint: `pass a positive integer to ${flag}`,
      });
    }
    options[key] = Number(raw);
  }
  const made = await makeTinyLlama({ out, ...options }).catch((error: unknown) => {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(error.message.replace(/^makeTinyLlama: /, ""), {
      where: "--heads",
      hint: "the width (--embd) must be a multiple of --heads, and --heads of --kv-heads",
    });
  });
  const summary =
    `wrote ${made.path}: ${bytes(made.bytes)} (${made.bytes} bytes), ${made.parameters} parameters, llama ` +
    `architecture, chatml template, in ${(made.elapsedMs / 1000).toFixed(2)} s\n`;
  await writeOut(json ? `${JSON.stringify({ ...made, arch: "llama" })}\n` : summary);
}
