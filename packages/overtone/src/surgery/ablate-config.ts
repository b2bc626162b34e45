/**
 * The ablation config (YAML), a superset of the published abliteration schema (shared/reference/surgery.md §1.3):
 *
 *   scale: 1.0                # multiplies every entry's scale
 *   direction_layer: 12       # use direction.12 for every writer (the issue's "one layer for all")
 *   norm_preserve: false      # keep each written column's norm (column, not row, normalisation)
 *   projected: false          # remove from each block's direction its part along set b's mean at that block
 *   targets: [attn_output, attn_output.bias, ffn_down_exps, ffn_down_exps.bias, token_embd]   # the default
 *   ablate:                   # per block; absent = every block at scale 1 (needs direction_layer)
 *     - layer: 11             # block whose writers are edited
 *       measurement: 23       # whose direction (a number, or `composite`: the normalised mean of all)
 *       scale: 1.0
 *       sparsity: 0.0         # fraction of components kept (0 = all)
 *
 * The published files' `model`, `measurements` and `output` keys are read as defaults for the command's flags,
 * and their Hugging Face target names map to the GGUF ones. Input-side targets (router, gate/up) are refused by
 * name rather than skipped: a run must never be attention-only without saying so (heretic#339).
 */
import { ConfigError } from "@overtone/errors";
import { parseYamlText } from "../yaml/parse-yaml.js";

export const WRITER_TARGETS = [
  "attn_output",
  "attn_output.bias",
  "ffn_down_exps",
  "ffn_down_exps.bias",
  "token_embd",
] as const;
export type WriterTarget = (typeof WRITER_TARGETS)[number];

/** Published (Hugging Face) target names and what they are in a GGUF. */
const HF_TARGETS: Record<string, WriterTarget> = {
  "self_attn.o_proj.weight": "attn_output",
  "self_attn.o_proj.bias": "attn_output.bias",
  "mlp.experts.down_proj": "ffn_down_exps",
  "mlp.experts.down_proj_blocks": "ffn_down_exps",
  "mlp.experts.down_proj.weight": "ffn_down_exps",
  "mlp.experts.down_proj_bias": "ffn_down_exps.bias",
  "model.embed_tokens.weight": "token_embd",
};
const INPUT_SIDE = /router|gate_inp|gate_up|gate_proj|up_proj|ffn_gate|ffn_up|attn_[qkv]\b/;

export interface LayerEntry {
  layer: number;
  measurement: number | "composite";
  scale: number;
  sparsity: number;
}

export interface AblateConfig {
  file: string;
  scale: number;
  directionLayer?: number;
  normPreserve: boolean;
  /** Project each block's direction against set b's mean there first (the published tools' `--projected`). */
  projected: boolean;
  targets: WriterTarget[];
  /** Undefined: every block, with directionLayer's direction. */
  entries?: LayerEntry[];
  model?: string;
  measurements?: string;
  output?: string;
}

const TOP_KEYS = [
  "model",
  "measurements",
  "output",
  "scale",
  "direction_layer",
  "norm_preserve",
  "projected",
  "targets",
  "ablate",
];
const ENTRY_KEYS = ["layer", "measurement", "scale", "sparsity"];

function fail(file: string, where: string, problem: string, hint: string): ConfigError {
  return new ConfigError(`${file}: ${where ? `${where} ` : ""}${problem}`, {
    where: `${file}${where ? ` ${where}` : ""}`,
    hint,
  });
}

function number(
  file: string,
  where: string,
  value: unknown,
  min: number,
  max: number,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
    throw fail(
      file,
      where,
      `must be a number from ${min} to ${max}, not ${JSON.stringify(value)}`,
      `e.g. ${where}: ${fallback ?? min}`,
    );
  return value;
}

function integer(file: string, where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
    throw fail(
      file,
      where,
      `must be a block number (0, 1, …), not ${JSON.stringify(value)}`,
      `e.g. ${where}: 12`,
    );
  return value;
}

function object(
  file: string,
  where: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw fail(file, where, "must be a mapping of keys", `the keys are ${known.join(", ")}`);
  const record = value as Record<string, unknown>;
  const unknownKey = Object.keys(record).find((k) => !known.includes(k));
  if (unknownKey !== undefined)
    throw fail(file, where, `has an unknown key "${unknownKey}"`, `the keys are ${known.join(", ")}`);
  return record;
}

function target(file: string, where: string, value: unknown): WriterTarget {
  const name = typeof value === "string" ? value.replace(/^model\.layers\.\d+\./, "") : "";
  if ((WRITER_TARGETS as readonly string[]).includes(name)) return name as WriterTarget;
  if (HF_TARGETS[name] !== undefined) return HF_TARGETS[name];
  if (INPUT_SIDE.test(name))
    throw fail(
      file,
      where,
      `${JSON.stringify(value)} is an input-side target (it reads the residual stream, it does not write it), which this ablation does not edit`,
      `use the writers: ${WRITER_TARGETS.join(", ")}`,
    );
  throw fail(
    file,
    where,
    `${JSON.stringify(value)} is not a residual writer`,
    `use ${WRITER_TARGETS.join(", ")}`,
  );
}

function entry(file: string, where: string, value: unknown): LayerEntry {
  const e = object(file, where, value, ENTRY_KEYS);
  const measurement =
    e.measurement === "composite"
      ? "composite"
      : e.measurement === undefined
        ? undefined
        : integer(file, `${where}.measurement`, e.measurement);
  if (measurement === undefined)
    throw fail(
      file,
      where,
      "names no measurement",
      "give `measurement: N` (or `composite`), or set direction_layer at the top",
    );
  return {
    layer: integer(file, `${where}.layer`, e.layer),
    measurement,
    scale: number(file, `${where}.scale`, e.scale, -10, 10, 1),
    sparsity: number(file, `${where}.sparsity`, e.sparsity, 0, 1, 0),
  };
}

/** Parse and check a config; every problem is a ConfigError naming the key and how to fix it. */
export function parseAblateConfig(text: string, file: string): AblateConfig {
  const root = parseYamlText(text, file);
  const top = object(file, "", root ?? {}, TOP_KEYS);
  const directionLayer =
    top.direction_layer === undefined ? undefined : integer(file, "direction_layer", top.direction_layer);
  const targets =
    top.targets === undefined
      ? [...WRITER_TARGETS]
      : Array.isArray(top.targets) && top.targets.length > 0
        ? [...new Set(top.targets.map((t, i) => target(file, `targets[${i}]`, t)))]
        : (() => {
            throw fail(
              file,
              "targets",
              "must be a non-empty list",
              `e.g. targets: [${WRITER_TARGETS.join(", ")}]`,
            );
          })();
  let entries: LayerEntry[] | undefined;
  if (top.ablate !== undefined) {
    if (!Array.isArray(top.ablate) || top.ablate.length === 0)
      throw fail(
        file,
        "ablate",
        "must be a non-empty list of { layer, measurement, scale, sparsity }",
        "or leave it out to edit every block with direction_layer",
      );
    entries = top.ablate.map((e, i) =>
      entry(
        file,
        `ablate[${i}]`,
        directionLayer !== undefined && typeof e === "object" && e !== null
          ? { measurement: directionLayer, ...e }
          : e,
      ),
    );
  } else if (directionLayer === undefined) {
    throw fail(
      file,
      "",
      "says neither which blocks (ablate:) nor which direction (direction_layer:)",
      "e.g. direction_layer: 12 to edit every block with direction.12",
    );
  }
  const str = (key: string) => (typeof top[key] === "string" ? (top[key] as string) : undefined);
  return {
    file,
    scale: number(file, "scale", top.scale, -10, 10, 1),
    ...(directionLayer !== undefined ? { directionLayer } : {}),
    normPreserve: top.norm_preserve === true,
    projected: top.projected === true,
    targets,
    ...(entries !== undefined ? { entries } : {}),
    ...(str("model") !== undefined ? { model: str("model") } : {}),
    ...(str("measurements") !== undefined ? { measurements: str("measurements") } : {}),
    ...(str("output") !== undefined ? { output: str("output") } : {}),
  };
}
