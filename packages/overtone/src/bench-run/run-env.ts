/**
 * The `env` block of every record, as llama-bench records its environment (reference A2, A6.9): the machine
 * (host, OS, CPU, cores, memory), the software (Node, Overtone, the engine) and the model file, so a number from
 * one laptop is never compared with another's without the reader seeing that they differ.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, cpus, hostname, platform, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import type { LadderModel } from "./ladder-file.js";
import type { OpenRung } from "./rung-backend.js";

export type MachineEnv = Record<string, unknown>;

/** The machine and software half, the same for every rung. */
export async function machineEnv(): Promise<MachineEnv> {
  const cores = cpus();
  return {
    host: hostname(),
    os: `${platform()} ${release()} ${arch()}`,
    cpu: cores[0]?.model.trim() ?? null,
    cores: cores.length,
    memory_bytes: totalmem(),
    node: process.version,
    overtone: await overtoneVersion(),
  };
}

/** The rung's half: which engine served it and the model file. */
export function rungEnv(machine: MachineEnv, rung: LadderModel, open: OpenRung | null): MachineEnv {
  return {
    ...machine,
    backend: rung.backend,
    engine:
      rung.backend === "embedded" ? `node-llama-cpp ${nodeLlamaCppVersion() ?? "unknown"}` : rung.backend,
    url: rung.url ?? null,
    model_file: open?.modelFile ?? rung.model ?? null,
    model_size_bytes: open?.modelSizeBytes ?? null,
    ...open?.engineSettings,
  };
}

/** This package's version (bench-run/ sits two levels below its package.json, in src/ and in dist/). */
async function overtoneVersion(): Promise<string | null> {
  try {
    const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function nodeLlamaCppVersion(): string | null {
  try {
    // Its package.json is not in its exports: found beside the entry file (dist/index.js).
    const entry = createRequire(import.meta.url).resolve("node-llama-cpp");
    const text = readFileSync(join(dirname(entry), "..", "package.json"), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}
