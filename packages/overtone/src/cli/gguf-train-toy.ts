/**
 * `overtone gguf train-toy`: train the toy gpt-oss model on the synthetic Harmony corpus and write it as a GGUF,
 * with a progress bar on stderr (loss, tokens/s, ETA). Ctrl-C stops after the current step and keeps the
 * checkpoint; the same command then resumes where it stopped.
 */
import { availableParallelism } from "node:os";
import { InputError } from "@overtone/errors";
import {
  DATA_AGENT_RECIPE,
  type MakeToyGptOssResult,
  makeToyGptOss,
  TOY_RECIPE_DEFAULTS,
  type TrainProgress,
} from "@overtone/toy";
import type { Command } from "commander";
import { formatDuration } from "../engine/models/progress-render.js";
import { bytes } from "./format.js";
import { integerFlag } from "./gguf-make-tiny.js";
import { checkWritable, choice, writeOut } from "./io.js";

interface TrainToyFlags {
  out: string;
  seed: string;
  template: string;
  steps?: string;
  examples?: string;
  checkpoint?: string;
  checkpointEvery: string;
  threads?: string;
  dataAgent?: boolean;
  json?: boolean;
}

const TEMPLATES = ["harmony", "chatml"] as const;
const BAR_WIDTH = 24;
/** Without a terminal: one progress line per this many milliseconds. */
const PLAIN_INTERVAL_MS = 10_000;

export function formatTrainProgress(p: TrainProgress, barWidth: number): string {
  if (p.phase === "corpus") return "train-toy: generating the corpus…";
  const fraction = p.steps === 0 ? 1 : p.step / p.steps;
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth > 0 ? `[${"#".repeat(filled)}${".".repeat(barWidth - filled)}] ` : "";
  const eta = Number.isFinite(p.etaSeconds) ? `ETA ${formatDuration(p.etaSeconds)}` : "";
  return (
    `train-toy ${bar}${(fraction * 100).toFixed(0).padStart(3)}%  step ${p.step}/${p.steps}  ` +
    `loss ${p.smoothedLoss.toFixed(3)}  ${Math.round(p.tokensPerSecond)} tok/s  ${eta}`
  ).trimEnd();
}

function progressPrinter(stream: NodeJS.WriteStream): {
  update: (p: TrainProgress) => void;
  end: () => void;
} {
  const tty = stream.isTTY === true;
  let lastPlain = Number.NEGATIVE_INFINITY;
  let open = false;
  return {
    update: (p) => {
      if (tty) {
        stream.write(`\r${formatTrainProgress(p, BAR_WIDTH).padEnd((stream.columns ?? 80) - 1)}`);
        open = true;
      } else if (p.phase !== "train" || Date.now() - lastPlain >= PLAIN_INTERVAL_MS || p.step === p.steps) {
        stream.write(`${formatTrainProgress(p, 0)}\n`);
        lastPlain = Date.now();
      }
    },
    end: () => {
      if (open) stream.write("\n");
      open = false;
    },
  };
}

function summary(r: MakeToyGptOssResult, checkpoint: string): string {
  if (r.path === undefined) {
    return `stopped at step ${r.step}/${r.steps}; checkpoint ${checkpoint} (run the same command to resume)\n`;
  }
  const margin = r.margin === undefined ? "" : `, unused-token margin ≥ ${r.margin.margin.toFixed(1)} logits`;
  const heldOut = r.heldOut === undefined ? "" : ` (held-out ${r.heldOut.loss.toFixed(3)})`;
  return (
    `wrote ${r.path}: ${bytes(r.bytes)}, ${r.parameters} parameters, ${r.steps} steps, ` +
    `final loss ${r.finalLoss.toFixed(3)}${heldOut}${margin}, in ${formatDuration(r.elapsedSeconds)}\n`
  );
}

export function registerGgufTrainToy(gguf: Command): void {
  gguf
    .command("train-toy")
    .description("train the toy gpt-oss model on Overtone's synthetic Harmony corpus and write it as a GGUF")
    .requiredOption("--out <file>", "GGUF file to write (replaced atomically)")
    .option(
      "--seed <n>",
      "seed of the corpus and the weights; the same seed gives a byte-identical file",
      "1",
    )
    .option(
      "--template <name>",
      "chat template: harmony, or chatml (the wrong one of field report 000)",
      "harmony",
    )
    .option("--steps <n>", `optimizer steps (default ${TOY_RECIPE_DEFAULTS.steps})`)
    .option("--examples <n>", `training conversations (default ${TOY_RECIPE_DEFAULTS.trainExamples})`)
    .option("--checkpoint <file>", "checkpoint to resume from and write (default: <out>.checkpoint)")
    .option("--checkpoint-every <n>", "steps between checkpoints", "100")
    .option("--threads <n>", "gradient threads, 1 or 2 (never changes the result; default: 2 on 2+ cores)")
    .option(
      "--data-agent",
      "issue 15's retrain: the data agent's job and tool specs written by others in the corpus (docs/toy-model.md)",
    )
    .option("--json", "print the result as JSON")
    .action(async (flags: TrainToyFlags) => {
      const template = choice("--template", flags.template, TEMPLATES);
      const seed = integerFlag("--seed", flags.seed, [0, 0xffffffff]);
      const recipe = {
        ...(flags.dataAgent === true ? DATA_AGENT_RECIPE : {}),
        ...(flags.steps !== undefined ? { steps: integerFlag("--steps", flags.steps, [1, 10_000_000]) } : {}),
        ...(flags.examples !== undefined
          ? { trainExamples: integerFlag("--examples", flags.examples, [1, 10_000_000]) }
          : {}),
      };
      const checkpointEvery = integerFlag("--checkpoint-every", flags.checkpointEvery, [1, 10_000_000]);
      const threads =
        flags.threads === undefined
          ? availableParallelism() >= 2
            ? 2
            : 1
          : integerFlag("--threads", flags.threads, [1, 2]);
      if (threads !== 1 && threads !== 2)
        throw new InputError("--threads: use 1 or 2", { where: "--threads" });
      const checkpointPath = flags.checkpoint ?? `${flags.out}.checkpoint`;
      // Training takes minutes: a path that cannot be written is said before it starts, not after.
      await checkWritable(flags.out, "--out");
      await checkWritable(checkpointPath, flags.checkpoint === undefined ? "--out" : "--checkpoint");
      const controller = new AbortController();
      const onInterrupt = () => controller.abort();
      process.once("SIGINT", onInterrupt);
      const printer = progressPrinter(process.stderr);
      let result: MakeToyGptOssResult;
      try {
        result = await makeToyGptOss({
          out: flags.out,
          template,
          seed,
          recipe,
          threads,
          checkpointPath,
          checkpointEvery,
          signal: controller.signal,
          onProgress: printer.update,
        });
      } finally {
        printer.end();
        process.off("SIGINT", onInterrupt);
      }
      if (!result.completed) process.exitCode = 130;
      if (flags.json) {
        const { trained, ...rest } = result;
        await writeOut(
          `${JSON.stringify({ ...rest, config: trained.config, trainingSet: trained.trainingSet })}\n`,
        );
      } else {
        await writeOut(summary(result, checkpointPath));
      }
    });
}
