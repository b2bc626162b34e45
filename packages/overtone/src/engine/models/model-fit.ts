/**
 * Which registered models fit this machine (registry.ts has the memory math), given the memory as numbers so
 * the choice is testable: `recommendModels` for `overtone models recommend`, `fitOf` for the check embedded
 * commands make before they resolve (and maybe download) a model, with the next model down that fits.
 *
 * Where a model fits: wholly in free VRAM (fast), wholly in free RAM (llama.cpp on the CPU, or a unified-memory
 * machine), or split across both (node-llama-cpp offloads the layers that fit to the GPU and keeps the rest on
 * the CPU: it runs, slower). Only real, downloadable gpt-oss models are recommended or fallen back to: the toy
 * and tiny models fit anywhere but cannot do the work, so they are named as a way to try Overtone, not chosen.
 */
import { type MemoryNeed, MODEL_REGISTRY, memoryNeeded, type RegistryEntry } from "./registry.js";

export interface MachineMemory {
  /** RAM the system can give without swapping (os.freemem: MemAvailable on Linux). */
  ramFree: number;
  ramTotal: number;
  /** Free and total VRAM when a GPU is in use; absent on a CPU-only machine. */
  vramFree?: number;
  vramTotal?: number;
  /** Where the numbers came from: `measured`, or the override variable that set them. */
  source: string;
}

export type FitPlace = "gpu" | "ram" | "gpu+ram" | "no";

export interface Candidate {
  entry: RegistryEntry;
  need: MemoryNeed;
  fits: FitPlace;
}

export function fitPlace(total: number, memory: MachineMemory): FitPlace {
  const vram = memory.vramFree ?? 0;
  if (vram > 0 && total <= vram) return "gpu";
  if (total <= memory.ramFree) return "ram";
  if (vram > 0 && total <= vram + memory.ramFree) return "gpu+ram";
  return "no";
}

export function candidates(memory: MachineMemory, context: number): Candidate[] {
  return MODEL_REGISTRY.map((entry) => {
    const need = memoryNeeded(entry, context);
    return { entry, need, fits: fitPlace(need.total, memory) };
  });
}

/** A model Overtone may pick for the user: a real gpt-oss it can fetch, that fits. */
function pickable(c: Candidate): boolean {
  return c.entry.real && c.entry.notPicked === undefined && c.fits !== "no";
}

export interface Recommendation {
  context: number;
  memory: MachineMemory;
  candidates: Candidate[];
  /** The best model that fits; undefined when no real gpt-oss fits. */
  choice?: Candidate;
  /** The next model down that fits, after the choice. */
  next?: Candidate;
}

export function recommendModels(memory: MachineMemory, context: number): Recommendation {
  const all = candidates(memory, context);
  const fitting = all.filter(pickable);
  return {
    context,
    memory,
    candidates: all,
    ...(fitting[0] !== undefined ? { choice: fitting[0] } : {}),
    ...(fitting[1] !== undefined ? { next: fitting[1] } : {}),
  };
}

export interface ModelFit {
  model: Candidate;
  /** Where it would run; `no` when it does not fit. */
  fits: FitPlace;
  /**
   * Only when it does not fit: the first pickable model after it in the registry's order that fits, or, for a
   * model the registry does not list (a local file), the first that fits and needs less.
   */
  next?: Candidate;
  /** What is free where it would go: RAM, or RAM and VRAM together on a machine with a GPU. */
  available: number;
}

/** Does the model fit at `context` tokens, and if not, which model down does? */
export function fitOf(
  entry: Pick<RegistryEntry, "sizeBytes" | "shape"> & Partial<RegistryEntry>,
  memory: MachineMemory,
  context: number,
): ModelFit {
  const all = candidates(memory, context);
  const need = memoryNeeded(entry, context);
  const at = all.findIndex((c) => c.entry === entry);
  const model: Candidate = all[at] ?? {
    entry: entry as RegistryEntry,
    need,
    fits: fitPlace(need.total, memory),
  };
  const available = memory.ramFree + (memory.vramFree ?? 0);
  if (model.fits !== "no") return { model, fits: model.fits, available };
  const below = at >= 0 ? all.slice(at + 1) : all.filter((c) => c.need.total < need.total);
  const next = below.find(pickable);
  return { model, fits: "no", available, ...(next !== undefined ? { next } : {}) };
}
