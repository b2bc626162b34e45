/**
 * `overtone surgery ablate --model GGUF --directions DIRECTIONS.gguf --config FILE.yaml --out OUT.gguf`: a copy of
 * the model with the measured direction removed from its residual writers (issue 18). Prints one line per edited
 * tensor — ‖r̂ᵀW‖ before and after, rows re-encoded — and the file written; `--json` prints the same as JSON.
 * The config's published keys (`model`, `measurements`, `output`) stand in for flags that are not given.
 */
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import { ablate, parseAblateConfig, type TensorEditReport } from "../surgery/index.js";
import { bytes, table } from "./format.js";
import { readTextFile, writeOut } from "./io.js";

interface AblateFlags {
  model?: string;
  directions?: string;
  config: string;
  out?: string;
  json?: boolean;
}

export function registerSurgeryAblate(surgery: Command): void {
  surgery
    .command("ablate")
    .description(
      "remove a measured direction from a gpt-oss GGUF's residual writers (a new file; the input is untouched)",
    )
    .requiredOption("--config <file>", "the ablation config (YAML): blocks, directions, scales, targets")
    .option("--model <gguf>", "the gpt-oss GGUF to edit (default: the config's model)")
    .option(
      "--directions <gguf>",
      "the directions file, control-vector format (default: the config's measurements)",
    )
    .option("--out <gguf>", "where to write the edited copy (default: the config's output)")
    .option("--json", "print the result as JSON")
    .action(async (flags: AblateFlags) => {
      const config = parseAblateConfig(await readTextFile(flags.config, "--config"), flags.config);
      const need = (flag: string, value: string | undefined, key: string) => {
        if (value !== undefined) return value;
        throw new InputError(`${flag} is missing (and ${flags.config} has no ${key}:)`, {
          where: flag,
          hint: `give ${flag} FILE`,
        });
      };
      const result = await ablate({
        model: need("--model", flags.model ?? config.model, "model"),
        directions: need("--directions", flags.directions ?? config.measurements, "measurements"),
        out: need("--out", flags.out ?? config.output, "output"),
        config,
      });
      if (flags.json) {
        await writeOut(`${JSON.stringify(result)}\n`);
        return;
      }
      await writeOut(`${reportTable(result.tensors)}\nwrote ${result.path} (${bytes(result.bytes)})\n`);
    });
}

function reportTable(tensors: TensorEditReport[]): string {
  const rows = tensors.map((t) => [
    t.name,
    t.type,
    t.before.toExponential(3),
    t.after.toExponential(3),
    t.before > 0 ? `${((100 * t.after) / t.before).toFixed(3)}%` : "—",
    `${t.rowsChanged}/${t.rows}`,
  ]);
  return table([["tensor", "type", "‖r̂ᵀW‖ before", "after", "left", "rows re-encoded"], ...rows]);
}
