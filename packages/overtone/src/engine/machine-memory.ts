/**
 * How much memory this machine can give a model now, for the model registry's fit check (models/model-fit.ts):
 * free RAM from the OS (os.freemem, which on Linux is MemAvailable: page cache counts as free, as it should for
 * a memory-mapped model) and, when a GPU backend is usable, free VRAM from node-llama-cpp's `getVramState` — this
 * layer owns node-llama-cpp. A unified-memory machine (Apple silicon) reports VRAM that is the same RAM, so
 * there only RAM counts.
 *
 * OVERTONE_FREE_MEMORY_BYTES (and OVERTONE_FREE_VRAM_BYTES) set the numbers instead of measuring: for tests,
 * and for a user who wants the choice made for a machine other than this one, or for memory they keep for
 * other work. Nothing native is touched then.
 */
import { freemem, totalmem } from "node:os";
import { ConfigError } from "@overtone/errors";
import { engineLlama, probeGpu } from "./llama-runtime.js";
import type { MachineMemory } from "./models/model-fit.js";

export const FREE_MEMORY_VARIABLE = "OVERTONE_FREE_MEMORY_BYTES";
export const FREE_VRAM_VARIABLE = "OVERTONE_FREE_VRAM_BYTES";

function bytesFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ConfigError(`${name}=${JSON.stringify(text)} is not a whole number of bytes`, {
      where: name,
      hint: `e.g. ${name}=16000000000 for 16 GB, or unset it to measure this machine`,
    });
  }
  return n;
}

export interface MachineMemoryOptions {
  env?: NodeJS.ProcessEnv;
  /** Ask node-llama-cpp about VRAM when a GPU is found (default true). */
  gpu?: boolean;
}

export async function machineMemory(options: MachineMemoryOptions = {}): Promise<MachineMemory> {
  const env = options.env ?? process.env;
  const ram = bytesFrom(env, FREE_MEMORY_VARIABLE);
  const vram = bytesFrom(env, FREE_VRAM_VARIABLE);
  if (ram !== undefined || vram !== undefined) {
    return {
      ramFree: ram ?? freemem(),
      ramTotal: Math.max(totalmem(), ram ?? 0),
      ...(vram !== undefined ? { vramFree: vram, vramTotal: vram } : {}),
      source: [ram !== undefined ? FREE_MEMORY_VARIABLE : "", vram !== undefined ? FREE_VRAM_VARIABLE : ""]
        .filter(Boolean)
        .join(", "),
    };
  }
  const measured: MachineMemory = { ramFree: freemem(), ramTotal: totalmem(), source: "measured" };
  if (options.gpu === false) return measured;
  const probe = await probeGpu();
  if (probe.found.length === 0) return measured;
  try {
    const llama = await engineLlama();
    if (llama.gpu === false) return measured;
    const state = await llama.getVramState();
    if (state.unifiedSize > 0) return measured;
    return { ...measured, vramFree: state.free, vramTotal: state.total };
  } catch {
    // No usable GPU after all: the embedded engine will run on the CPU, so RAM is what counts.
    return measured;
  }
}
