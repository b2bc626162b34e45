/**
 * `overtone bench run LADDER.yaml [--out DIR] [--resume]`: runs a ladder file (bench-run/) and writes one call
 * record per line to DIR/calls.jsonl as calls finish. Progress goes to stderr — one redrawn line with an ETA on a
 * terminal, a line per model otherwise (a CI log should not fill with carriage returns) — and a summary at the
 * end names the JSONL and the `bench report` command to run next. Exit 0 whenever the run completed, even with
 * failed calls (they are data); 1 only for a bad ladder file or an out folder that cannot be written.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { parseLadder } from "../bench-run/ladder-file.js";
import { type LadderProgress, runLadder } from "../bench-run/run-ladder.js";
import { readTextFile } from "./io.js";

interface RunFlags {
  out?: string;
  resume?: boolean;
}

export function registerBenchRun(bench: Command): void {
  bench
    .command("run")
    .description(
      "run a ladder file: its models one at a time over its suites, with warm-ups and repetitions; one JSONL record per call",
    )
    .argument("<ladder>", "the ladder file (YAML: exp_id, models, suites, repetitions…; see docs/bench.md)")
    .option("--out <dir>", "run folder for calls.jsonl (default: bench-runs/<exp_id>)")
    .option("--resume", "continue an interrupted run in --out: calls already recorded are skipped")
    .action(async (file: string, flags: RunFlags) => {
      const ladder = parseLadder(await readTextFile(file, "LADDER"), file);
      const outDir = flags.out ?? join("bench-runs", ladder.expId);
      const progress = progressRenderer(process.stderr.isTTY === true);
      const summary = await runLadder(ladder, {
        outDir,
        resume: flags.resume === true,
        onProgress: progress.update,
      }).finally(progress.end);
      const lines = [
        `${summary.calls} calls recorded, ${summary.failures} failed` +
          (summary.resumed > 0 ? `, ${summary.resumed} already recorded before --resume` : ""),
        ...summary.loadFailures.map((f) => `model ${f.model} did not load: ${f.reason}`),
        `calls: ${summary.callsFile}`,
        `next: overtone bench report ${outDir}`,
      ];
      process.stderr.write(`${lines.join("\n")}\n`);
    });
}

/** The progress display: `update` for every event, `end` once (clears a terminal's line). */
function progressRenderer(tty: boolean): { update: (p: LadderProgress) => void; end: () => void } {
  const started = performance.now();
  let firstDoneAt: { time: number; done: number } | undefined;
  let drawn = false;
  const eta = (p: LadderProgress): string => {
    // Measured from the first finished call, so the first model's load does not skew every later estimate.
    if (firstDoneAt === undefined || p.done <= firstDoneAt.done) return "ETA …";
    const perCall = (performance.now() - firstDoneAt.time) / (p.done - firstDoneAt.done);
    return `ETA ${duration(perCall * (p.total - p.done))}`;
  };
  return {
    update(p) {
      if (p.event === "call" && firstDoneAt === undefined)
        firstDoneAt = { time: performance.now(), done: p.done };
      if (tty) {
        const width = 24;
        const filled = p.total === 0 ? width : Math.round((width * p.done) / p.total);
        const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
        const where = `model ${p.modelIndex}/${p.modelCount} ${p.model}`;
        const failed = p.failures > 0 ? ` · ${p.failures} failed` : "";
        process.stderr.write(`\r\x1b[2K${bar} ${p.done}/${p.total} · ${where}${failed} · ${eta(p)}`);
        drawn = true;
        if (p.event === "model-failed") {
          process.stderr.write(`\r\x1b[2Kmodel ${p.model} did not load, skipped: ${p.reason}\n`);
        }
        return;
      }
      const head = `model ${p.modelIndex}/${p.modelCount} ${p.model}`;
      if (p.event === "model-start")
        process.stderr.write(`${head}: starting (${p.done}/${p.total} calls done)\n`);
      if (p.event === "model-done") {
        const elapsed = duration(performance.now() - started);
        process.stderr.write(
          `${head}: done, ${p.done}/${p.total} calls, ${p.failures} failed, ${elapsed} · ${eta(p)}\n`,
        );
      }
      if (p.event === "model-failed") process.stderr.write(`${head}: did not load, skipped: ${p.reason}\n`);
    },
    end() {
      if (drawn) process.stderr.write("\r\x1b[2K");
    },
  };
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
