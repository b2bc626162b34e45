/**
 * The check every embedded command (`run`, `chat`, `proofread`, `serve`, `data`) makes before it resolves its
 * model — before a 12 GB download, not after it and a failed load: a registered gpt-oss (engine/models/
 * registry.ts) that does not fit in free memory at the engine's context is one clear line naming the model,
 * what it needs, what is free, and the next model down that fits.
 *
 * The switch is never silent (field report 003 asked for a fallback; a demanding user would not want a weaker
 * model in place of the one they named without being told): by default the command fails with that line, and
 * the next model is used only with `--fallback` or OVERTONE_FALLBACK=1 — then the same line goes to stderr,
 * saying it is used. Models the registry does not know (a local path, another repo) are not checked: their
 * memory needs are not known before the file is read. Toy and tiny are not checked and never fallen back to.
 */
import { ConfigError } from "@overtone/errors";
import { machineMemory } from "../engine/machine-memory.js";
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

/** The model to load: `model` when it fits or is not registered, the next model down with fallback on; or throws. */
export async function modelThatFits(model: string, options: FitCheckOptions): Promise<string> {
  const entry = entryOf(model);
  // Toy and tiny are not checked: a few hundred MB, and the margin is an estimate sized for real models.
  if (entry === undefined || !entry.real) return model;
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
