/**
 * The check every embedded command (`run`, `chat`, `proofread`, `serve`, `data`) makes before it resolves its
 * model — before a 12 GB download, not after it and a failed load: a registered gpt-oss (engine/models/
 * registry.ts) that does not fit in free memory at the engine's context is one clear line naming the model,
 * what it needs, what is free, and the next model down that fits.
 *
 * The switch is never silent (field report 003 asked for a fallback; a demanding user would not want a weaker
 * model in place of the one they named without being told): by default the command fails with that line, and
 * the next model is used only with `--fallback` or OVERTONE_FALLBACK=1 — then the same line goes to stderr,
 * saying it is used. A local gpt-oss GGUF the registry does not list is checked from its own header (size and
 * attention shape), its next model down being the first registered one that needs less and fits; a Hugging Face
 * reference the registry does not list is not checked (its size is not known before it is fetched). Toy and tiny
 * are not checked and never fallen back to.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { basename, resolve } from "node:path";
import { ConfigError } from "@overtone/errors";
import { machineMemory } from "../engine/machine-memory.js";
import { readModelShape } from "../engine/model-facts.js";
import {
  fitOf,
  formatModelRef,
  type MachineMemory,
  parseModelRef,
  type RegistryEntry,
  registryEntry,
} from "../engine/models/index.js";
import { gb } from "./format.js";

export const FALLBACK_VARIABLE = "OVERTONE_FALLBACK";

export interface FitCheckOptions {
  /** Use the next model down when the model does not fit (`--fallback`, OVERTONE_FALLBACK=1). */
  fallback: boolean;
  /** Tokens of context the engine will make (load-model.ts's default unless the command sets one). */
  context: number;
  /** Where a note goes (stderr). */
  note: (line: string) => void;
  /** The free memory; default: measured (or OVERTONE_FREE_MEMORY_BYTES). */
  memory?: MachineMemory;
}

/** The registered model a `--model` value names, if any (a malformed value is left for the resolver to name). */
function entryOf(model: string): RegistryEntry | undefined {
  try {
    return registryEntry(model, formatModelRef(parseModelRef(model)));
  } catch {
    return undefined;
  }
}

/** A local gpt-oss GGUF, described by its own header (name: the file's). */
async function localEntry(
  model: string,
): Promise<(Parameters<typeof fitOf>[0] & { name: string }) | undefined> {
  const path = resolve(model.startsWith("~/") ? `${homedir()}${model.slice(1)}` : model);
  if (!existsSync(path)) return undefined;
  const facts = await readModelShape(path);
  return facts === undefined ? undefined : { name: basename(path), ...facts };
}

/**
 * The model to load: `model` when it fits (or its needs are not known), the next model down with fallback on;
 * or throws.
 */
export async function modelThatFits(model: string, options: FitCheckOptions): Promise<string> {
  const registered = entryOf(model);
  // Toy and tiny are not checked: a few hundred MB, and the margin is an estimate sized for real models.
  if (registered !== undefined && !registered.real) return model;
  const entry = registered ?? (await localEntry(model));
  if (entry === undefined) return model;
  const memory = options.memory ?? (await machineMemory());
  const fit = fitOf(entry, memory, options.context);
  if (fit.fits !== "no") return model;
  const context = options.context.toLocaleString("en-US");
  const short = `${entry.name} needs ${gb(fit.model.need.total)} at a context of ${context} tokens, ${gb(fit.available)} is free`;
  if (fit.next === undefined) {
    throw new ConfigError(`${short}, and no smaller gpt-oss fits`, {
      where: "--model",
      hint: "free memory, use a server (--backend ollama/openai), or --model toy (runs anywhere, but is a toy); `overtone models recommend` shows the numbers",
    });
  }
  const next = fit.next.entry.name;
  const line = `${short}; the next model down that fits is ${next} (${gb(fit.next.need.total)})`;
  if (options.fallback) {
    options.note(`overtone: ${line}: using ${next} (--fallback)`);
    return fit.next.entry.ref;
  }
  throw new ConfigError(line, {
    where: "--model",
    hint: `run with --fallback (or ${FALLBACK_VARIABLE}=1) to use ${next}, or --model ${next}; \`overtone models recommend\` shows the numbers`,
  });
}
