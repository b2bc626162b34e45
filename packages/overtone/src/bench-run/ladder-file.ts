/**
 * The ladder file (`overtone bench run LADDER.yaml`, issue 16 item 1): which models, on which backends, run which
 * suites, how often. Checked as a whole before any model loads, so a typo is one ConfigError naming the file and
 * the key path (`models[2].params.top_p`), never an hour of benchmarking thrown away at the fourth rung:
 *
 * ```yaml
 * exp_id: ladder-2026-12
 * device: msi-raider            # default: this machine's hostname
 * repetitions: 5                # per case and model (llama-bench's default)
 * warmup: 1                     # untimed-by-intent calls per model, recorded with warmup: true
 * concurrency: 1                # requests in flight; 1 = a single user (reference A6.7)
 * max_tokens: 1024
 * call_timeout_s: 600          # a call still running after this is cut and recorded (finish: aborted)
 * suites: [diagnose, {file: my-suite.yaml}]
 * grader: { backend: ollama, model: "gpt-oss:20b" }   # for my-suite.yaml's model-graded assertions
 * models:
 *   - { name: toy, backend: embedded, model: toy }
 *   - { name: llama3.2-3b, backend: ollama, model: "llama3.2:3b", harmony: false, params: { temperature: 0.2 } }
 *   - { name: gpt-oss-20b, backend: llama-server, url: http://127.0.0.1:8080/v1, params: { effort: low } }
 * ```
 */
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import type { Effort, Route } from "../backends/contract.js";
import { parseYamlText } from "../yaml/parse-yaml.js";
import { KeyPath } from "./key-path.js";

export const LADDER_BACKENDS = [
  "embedded",
  "llama-server",
  "ollama",
  "vllm",
  "lmstudio",
  "openai-compatible",
  "gateway",
  "assist",
] as const;
export type LadderBackend = (typeof LADDER_BACKENDS)[number];

/** A suite by built-in name, or a user's suite file (absolute: resolved against the ladder file's folder). */
export type SuiteRef = { name: string } | { file: string };

export interface LadderParams {
  temperature?: number;
  topP?: number;
  seed?: number;
  effort?: Effort;
  maxTokens?: number;
  route?: Route;
}

export interface LadderModel {
  /** The label records and reports group by; unique in the file. */
  name: string;
  backend: LadderBackend;
  /** Embedded: a .gguf path, toy, tiny or a Hugging Face reference; servers: the name they know it by. */
  model?: string;
  url?: string;
  params: LadderParams;
  /** A gpt-oss model (Harmony format): gets gpt-oss sampling unless params set it, and its reasoning split off. */
  harmony: boolean;
}

export interface Ladder {
  /** The file it came from, for messages. */
  file: string;
  expId: string;
  device: string;
  repetitions: number;
  warmup: number;
  concurrency: number;
  maxTokens?: number;
  /** A call still running after this long is cut and recorded as timed out, so a hung server cannot stall the run. */
  callTimeoutMs: number;
  suites: SuiteRef[];
  models: LadderModel[];
  /** The model that grades user suites' `model-graded` assertions (the same keys as a model; name optional). */
  grader?: LadderModel;
}

const TOP_KEYS = [
  "exp_id",
  "device",
  "repetitions",
  "warmup",
  "concurrency",
  "max_tokens",
  "call_timeout_s",
  "suites",
  "models",
  "grader",
];
const MODEL_KEYS = ["name", "backend", "model", "url", "params", "harmony"];
const PARAM_KEYS = ["temperature", "top_p", "seed", "effort", "max_tokens", "route"];
/** Backends with no usual address: the ladder must say where they are. */
const URL_REQUIRED = new Set<LadderBackend>(["openai-compatible", "gateway"]);

export function parseLadder(text: string, file: string): Ladder {
  const root = parseYamlText(text, file);
  const at = (path: string) => new KeyPath(file, path);
  const top = at("").object(root, TOP_KEYS);
  const models = at("models")
    .list(top.models)
    .map((entry, i) => ladderModel(entry, at(`models[${i}]`)));
  if (models.length === 0) throw at("models").fail("lists no model", "add at least one entry under models:");
  const seen = new Set<string>();
  models.forEach((model, i) => {
    if (seen.has(model.name))
      throw at(`models[${i}].name`).fail(`repeats "${model.name}"`, "give each rung its own name");
    seen.add(model.name);
  });
  const suites = at("suites")
    .list(top.suites)
    .map((entry, i) => suiteRef(entry, at(`suites[${i}]`), dirname(resolve(file))));
  if (suites.length === 0) throw at("suites").fail("lists no suite", "e.g. suites: [smoke]");
  return {
    file,
    expId: at("exp_id").label(top.exp_id),
    device: top.device === undefined ? hostname() : at("device").label(top.device),
    repetitions: top.repetitions === undefined ? 5 : at("repetitions").integer(top.repetitions, 1),
    warmup: top.warmup === undefined ? 1 : at("warmup").integer(top.warmup, 0),
    concurrency: top.concurrency === undefined ? 1 : at("concurrency").integer(top.concurrency, 1),
    ...(top.max_tokens !== undefined ? { maxTokens: at("max_tokens").integer(top.max_tokens, 1) } : {}),
    callTimeoutMs:
      1000 *
      (top.call_timeout_s === undefined
        ? 600
        : at("call_timeout_s").number(top.call_timeout_s, 0.001, 86_400)),
    suites,
    models,
    ...(top.grader !== undefined ? { grader: grader(top.grader, at("grader")) } : {}),
  };
}

function grader(value: unknown, at: KeyPath): LadderModel {
  const entry = at.object(value, MODEL_KEYS);
  return ladderModel({ name: "grader", ...entry }, at);
}

function ladderModel(value: unknown, at: KeyPath): LadderModel {
  const entry = at.object(value, MODEL_KEYS);
  const name = at.to("name").label(entry.name);
  const backend = at.to("backend").oneOf(entry.backend, LADDER_BACKENDS);
  const harmony = entry.harmony === undefined ? true : at.to("harmony").boolean(entry.harmony);
  if (backend === "embedded" && entry.url !== undefined)
    throw at.to("url").fail("is set for an embedded model", "drop url: the model runs in this process");
  if (URL_REQUIRED.has(backend) && entry.url === undefined)
    throw at.to("url").fail("is missing", `give the ${backend} server's URL, e.g. http://127.0.0.1:8080/v1`);
  if ((backend === "embedded" || backend === "ollama") && entry.model === undefined) {
    const example = backend === "embedded" ? "model: toy, or a .gguf path" : 'model: "gpt-oss:20b"';
    throw at.to("model").fail("is missing", `e.g. ${example}`);
  }
  if (backend === "embedded" && !harmony) {
    throw at
      .to("harmony")
      .fail(
        "is false for an embedded model",
        "the embedded engine runs gpt-oss only; serve the model elsewhere",
      );
  }
  return {
    name,
    backend,
    harmony,
    params: entry.params === undefined ? {} : ladderParams(entry.params, at.to("params")),
    ...(entry.model !== undefined ? { model: at.to("model").label(entry.model) } : {}),
    ...(entry.url !== undefined ? { url: at.to("url").url(entry.url) } : {}),
  };
}

function ladderParams(value: unknown, at: KeyPath): LadderParams {
  const entry = at.object(value, PARAM_KEYS);
  const has = (key: string) => entry[key] !== undefined;
  return {
    ...(has("temperature") ? { temperature: at.to("temperature").number(entry.temperature, 0, 2) } : {}),
    ...(has("top_p") ? { topP: at.to("top_p").number(entry.top_p, 0, 1) } : {}),
    ...(has("seed") ? { seed: at.to("seed").integer(entry.seed, 0) } : {}),
    ...(has("effort")
      ? { effort: at.to("effort").oneOf(entry.effort, ["low", "medium", "high"] as const) }
      : {}),
    ...(has("max_tokens") ? { maxTokens: at.to("max_tokens").integer(entry.max_tokens, 1) } : {}),
    ...(has("route") ? { route: at.to("route").oneOf(entry.route, ["auto", "chat", "raw"] as const) } : {}),
  };
}

function suiteRef(value: unknown, at: KeyPath, folder: string): SuiteRef {
  if (typeof value === "string") return { name: at.label(value) };
  const entry = at.object(value, ["file"]);
  return { file: resolve(folder, at.to("file").label(entry.file)) };
}
