/**
 * `overtone surgery measure --model GGUF --a FILE --b FILE --out DIRECTIONS.gguf [--position RULE]`: the direction
 * from prompt set b to prompt set a after every block (issue 18). Progress on stderr (one redrawn line on a
 * terminal, a line every 10% otherwise); the result — per layer ‖mean_a − mean_b‖ — on stdout, or `--json`.
 */
import type { Command } from "commander";
import { measure } from "../surgery/measure.js";
import { POSITION_RULES } from "../surgery/prompt-set.js";
import { positiveInt } from "./flag-values.js";
import { choice, writeOut } from "./io.js";

interface MeasureFlags {
  model: string;
  a: string;
  b: string;
  out: string;
  position: string;
  threads?: string;
  json?: boolean;
}

export function registerSurgeryMeasure(surgery: Command): void {
  surgery
    .command("measure")
    .description("measure the direction between two prompt sets in a gpt-oss GGUF's residual stream")
    .requiredOption("--model <gguf>", "the gpt-oss GGUF")
    .requiredOption("--a <jsonl>", "prompt set a (one JSON string or Harmony conversation per line)")
    .requiredOption("--b <jsonl>", "prompt set b; the direction points from b's mean to a's")
    .requiredOption("--out <gguf>", "the directions file to write (llama.cpp control-vector format)")
    .option("--position <rule>", `where the stream is read: ${POSITION_RULES.join(", ")}`, "assistant-start")
    .option("--threads <n>", "CPU threads (default: every core)")
    .option("--json", "print the result as JSON")
    .action(async (flags: MeasureFlags) => {
      const position = choice("--position", flags.position, POSITION_RULES);
      const threads = flags.threads === undefined ? undefined : positiveInt("--threads", flags.threads);
      const tty = process.stderr.isTTY === true;
      let shown = -1;
      const result = await measure({
        model: flags.model,
        a: flags.a,
        b: flags.b,
        out: flags.out,
        position,
        ...(threads !== undefined ? { threads } : {}),
        onProgress: (done, total) => {
          const tenth = Math.floor((10 * done) / total);
          if (tty) process.stderr.write(`\rmeasuring: ${done}/${total} prompts`);
          else if (tenth !== shown) process.stderr.write(`measuring: ${done}/${total} prompts\n`);
          shown = tenth;
          if (tty && done === total) process.stderr.write("\n");
        },
      });
      if (flags.json) {
        await writeOut(`${JSON.stringify(result)}\n`);
        return;
      }
      const lines = result.norms.map(
        (n, l) =>
          `  block ${l}: ‖mean_a − mean_b‖ ${n.toExponential(3)}${l === 0 ? " (not stored: llama.cpp numbers directions from 1)" : ""}`,
      );
      await writeOut(
        `${result.counts.a} + ${result.counts.b} prompts, ${result.layers} blocks, width ${result.width}, position ${position}\n${lines.join("\n")}\nwrote ${result.path}\n`,
      );
    });
}
