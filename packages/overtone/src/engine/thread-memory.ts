/**
 * The measured thread count, remembered per machine and model shape, so a second load skips the probe
 * (thread-probe.ts): on 2 vCPUs the probe is most of a small model's cold start. The answer depends on the CPU
 * (its model and math cores), the llama.cpp build and the model's shape (weights read per token, total weights),
 * so all of these make the key; anything else that changes (another host, another build) simply misses.
 *
 * Stored in `<cache>/thread-probe.json` (the Overtone cache root, beside `models/`), written to a temporary name and
 * renamed. A file that cannot be read or parsed is left as it is and not rewritten (the rule for every cache
 * here): the probe runs, its answer is used but not stored, and the caller says so (`info.threadSource`).
 * Delete the file, or load with `reprobeThreads: true`, to measure again.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { arch, cpus } from "node:os";
import { join } from "node:path";
import { writeCacheFile } from "./models/cache-dir.js";

export const THREAD_MEMORY_FILE = "thread-probe.json";
const VERSION = 1;

export interface ThreadMemoryKey {
  cpuMathCores: number;
  llamaCppRelease: string;
  activeBytes: number;
  modelBytes: number;
}

interface Remembered {
  threads: number;
  decodeSpeeds: Record<string, number>;
  measuredAt: string;
}

interface MemoryFile {
  version: number;
  entries: Record<string, Remembered>;
}

/** What reading the file gave: its entries, or why it could not be used (then it must not be rewritten). */
export type ThreadMemory = { entries: Record<string, Remembered> } | { unusable: string };

export function threadMemoryKey(key: ThreadMemoryKey): string {
  const machine = `${arch()}|${cpus()[0]?.model ?? "unknown cpu"}|${key.cpuMathCores}|${key.llamaCppRelease}`;
  const shape = `${key.activeBytes}|${key.modelBytes}`;
  return createHash("sha256").update(`${machine}\n${shape}`).digest("hex").slice(0, 16);
}

export async function readThreadMemory(cacheDir: string): Promise<ThreadMemory> {
  const path = join(cacheDir, THREAD_MEMORY_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: {} };
    return { unusable: `${path} cannot be read (${(error as Error).message})` };
  }
  try {
    const file = JSON.parse(text) as Partial<MemoryFile>;
    if (file.version !== VERSION || typeof file.entries !== "object" || file.entries === null) {
      return { unusable: `${path} is not a version ${VERSION} thread-probe file` };
    }
    return { entries: file.entries };
  } catch {
    return { unusable: `${path} is not valid JSON` };
  }
}

/** The remembered count for `key`, when the entry is whole. */
export function rememberedThreads(memory: ThreadMemory, key: string): number | undefined {
  if (!("entries" in memory)) return undefined;
  const threads = memory.entries[key]?.threads;
  return Number.isSafeInteger(threads) && (threads as number) > 0 ? threads : undefined;
}

/** Adds one measurement to a readable memory and writes the file atomically. */
export async function rememberThreads(
  cacheDir: string,
  memory: { entries: Record<string, Remembered> },
  key: string,
  probe: { threads: number; decodeSpeeds: ReadonlyMap<number, number> },
): Promise<void> {
  const entries = {
    ...memory.entries,
    [key]: {
      threads: probe.threads,
      decodeSpeeds: Object.fromEntries([...probe.decodeSpeeds].map(([t, s]) => [String(t), Math.round(s)])),
      measuredAt: new Date().toISOString(),
    },
  };
  await mkdir(cacheDir, { recursive: true });
  await writeCacheFile(
    join(cacheDir, THREAD_MEMORY_FILE),
    `${JSON.stringify({ version: VERSION, entries } satisfies MemoryFile, null, 2)}\n`,
  );
}
