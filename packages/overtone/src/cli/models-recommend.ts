/**
 * `overtone models recommend [--context N] [--json]`: which gpt-oss this machine can run, and why — its free RAM
 * (and VRAM, with a GPU) against what each registered model needs at that context (engine/models/registry.ts:
 * weights + KV cache + compute margin), the choice, and the next model down. OVERTONE_FREE_MEMORY_BYTES (and
 * OVERTONE_FREE_VRAM_BYTES) set the free memory instead of measuring it (engine/machine-memory.ts).
 */
import type { Command } from "commander";
import { machineMemory } from "../engine/machine-memory.js";
import {
  type Candidate,
  type FitPlace,
  type MachineMemory,
  PLAN_CONTEXT,
  type Recommendation,
  recommendModels,
} from "../engine/models/index.js";
import { positiveInt } from "./flag-values.js";
import { gb, table } from "./format.js";
import { writeOut } from "./io.js";

const PLACE: Record<FitPlace, string> = {
  gpu: "yes, in VRAM",
  ram: "yes, in RAM",
  "gpu+ram": "yes, VRAM + RAM (slower)",
  no: "no",
};

export function memoryLine(memory: MachineMemory): string {
  const gpu =
    memory.vramFree === undefined
      ? "no GPU in use"
      : `${gb(memory.vramFree)} of VRAM free (of ${gb(memory.vramTotal ?? memory.vramFree)})`;
  const from = memory.source === "measured" ? "measured now" : `set by ${memory.source}`;
  return `${gb(memory.ramFree)} of RAM free (of ${gb(memory.ramTotal)}), ${gpu} (${from})`;
}

function why(c: Candidate, memory: MachineMemory): string {
  const free = c.fits === "gpu" ? memory.vramFree : memory.ramFree;
  return `needs ${gb(c.need.total)} (${gb(c.need.weights)} weights + ${gb(c.need.kvCache)} KV cache + ${gb(c.need.compute)} compute), ${gb(free ?? 0)} free`;
}

function render(r: Recommendation): string {
  const rows = r.candidates.map((c) => [
    c.entry.name,
    c.entry.quant,
    gb(c.entry.sizeBytes),
    gb(c.need.total),
    PLACE[c.fits],
    c.entry.notPicked !== undefined
      ? `not picked: ${c.entry.notPicked}`
      : c.entry.real
        ? ""
        : "a toy, to try Overtone",
  ]);
  const lines = [
    `this machine: ${memoryLine(r.memory)}`,
    `memory needed at a context of ${r.context.toLocaleString("en-US")} tokens (--context):`,
    "",
    table([["model", "quantisation", "file", "needs", "fits", "note"], ...rows]),
    "",
  ];
  if (r.choice === undefined) {
    lines.push(
      `no gpt-oss fits in ${gb(r.memory.ramFree + (r.memory.vramFree ?? 0))}: free memory, lower --context, or use a server (--backend); --model toy runs anywhere but is a toy`,
    );
  } else {
    lines.push(
      `recommended: ${r.choice.entry.name} (--model ${r.choice.entry.name}): ${why(r.choice, r.memory)}`,
    );
    lines.push(
      r.next === undefined
        ? "next model down: none that fits"
        : `next model down: ${r.next.entry.name}: ${why(r.next, r.memory)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function json(r: Recommendation): string {
  const candidate = (c: Candidate) => ({
    name: c.entry.name,
    ref: c.entry.ref,
    quant: c.entry.quant,
    sizeBytes: c.entry.sizeBytes,
    need: c.need,
    fits: c.fits,
    real: c.entry.real,
    ...(c.entry.notPicked !== undefined ? { notPicked: c.entry.notPicked } : {}),
    source: c.entry.source,
  });
  return `${JSON.stringify({
    context: r.context,
    memory: r.memory,
    choice: r.choice?.entry.name ?? null,
    next: r.next?.entry.name ?? null,
    candidates: r.candidates.map(candidate),
  })}\n`;
}

export function registerModelsRecommend(models: Command): void {
  models
    .command("recommend")
    .description("pick the gpt-oss that fits this machine's free RAM/VRAM, and say why")
    .option("--context <n>", "tokens of context to plan for", String(PLAN_CONTEXT))
    .option("--json", "one JSON object: memory, choice, next, and every candidate")
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals() as { context: string; json?: boolean };
      const context = positiveInt("--context", flags.context);
      const r = recommendModels(await machineMemory(), context);
      await writeOut(flags.json ? json(r) : render(r));
    });
}
