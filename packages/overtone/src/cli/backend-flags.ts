/**
 * The flags `overtone run` and `overtone chat` share (where the model runs, which one, effort, instructions,
 * budget, tools, threads) and what they turn into: a checked set-up, an opened backend, and the messages a
 * conversation starts with. One place, so both commands accept and reject exactly the same things.
 */
import { basename } from "node:path";
import { InputError } from "@overtone/errors";
import {
  developerMessage,
  type Message,
  parseJsonText,
  systemContent,
  systemMessage,
  type ToolDescription,
} from "@overtone/harmony";
import type { Command } from "commander";
import type { Backend, Effort } from "../backends/contract.js";
import { type BackendKind, createBackend } from "../backends/create-backend.js";
import { createProgressRenderer, PLAN_CONTEXT } from "../engine/models/index.js";
import { cliBackendError, withCliErrors } from "./backend-errors.js";
import { positiveInt } from "./flag-values.js";
import { choice, readTextFile } from "./io.js";
import { FALLBACK_VARIABLE, modelThatFits } from "./model-fallback.js";
import { toolsFromJson } from "./tools-file.js";

export const EFFORTS: readonly Effort[] = ["low", "medium", "high"];

/** `--backend` values: the library's kinds, with `openai` (the documented spelling) for `openai-compatible`. */
const BACKEND_FLAGS = ["embedded", "ollama", "openai", "openai-compatible"] as const;

/** What `overtone run` loads without `--model` (documented; the library itself has no default model). */
const DEFAULT_CLI_MODEL = "gpt-oss-20b";

/** The options as commander hands them over (strings, unchecked). */
export interface BackendFlags {
  backend: string;
  url?: string;
  model?: string;
  effort: string;
  system?: string;
  maxTokens?: string;
  tools?: string;
  threads?: string;
  temperature?: string;
  seed?: string;
  fallback?: boolean;
}

/** Sampling a request carries; absent fields get gpt-oss's defaults (temperature 1, top_p 1) from the profile. */
export interface SamplingFlags {
  temperature?: number;
  seed?: number;
}

/** The flags checked and the tools file read; nothing loaded or contacted yet. */
export interface BackendSetup {
  kind: BackendKind;
  url?: string;
  model?: string;
  effort: Effort;
  system?: string;
  maxTokens?: number;
  tools: ToolDescription[];
  threads?: number;
  /** Embedded: requests served at once (`overtone serve --parallel`; run and chat serve one). */
  parallel?: number;
  sampling: SamplingFlags;
  /** Embedded: load the next model down when the chosen one does not fit in memory (model-fallback.ts). */
  fallback: boolean;
}

export function addBackendOptions(command: Command): Command {
  return command
    .option(
      "--backend <kind>",
      "where the model runs: embedded, ollama, openai (vLLM, llama-server, LM Studio; also openai-compatible)",
      "embedded",
    )
    .option("--url <url>", "server URL (ollama: http://127.0.0.1:11434, openai: http://127.0.0.1:8080/v1)")
    .option(
      "--model <model>",
      `embedded: a .gguf path, tiny, toy, or a Hugging Face reference (default ${DEFAULT_CLI_MODEL})`,
    )
    .option("--effort <effort>", "reasoning effort: low, medium or high", "medium")
    .option("--system <text>", "instructions for the model (the developer message)")
    .option("--max-tokens <n>", "output token budget, reasoning included")
    .option(
      "--tools <file>",
      "JSON file of function tools: [{name, description, parameters}] (OpenAI form accepted)",
    )
    .option("--threads <n>", "embedded: CPU threads (default: chosen for this machine)")
    .option("--temperature <t>", "sampling temperature, 0 for greedy (default: gpt-oss's 1)")
    .option("--seed <n>", "sampling seed, for answers that repeat run to run")
    .option(
      "--fallback",
      `embedded: when the model does not fit in free memory, use the next model down that does (or ${FALLBACK_VARIABLE}=1)`,
    );
}

export async function backendSetup(flags: BackendFlags): Promise<BackendSetup> {
  const flag = choice("--backend", flags.backend, BACKEND_FLAGS);
  const kind: BackendKind = flag === "openai" ? "openai-compatible" : flag;
  const effort = choice("--effort", flags.effort, EFFORTS);
  const maxTokens = flags.maxTokens === undefined ? undefined : positiveInt("--max-tokens", flags.maxTokens);
  const threads = flags.threads === undefined ? undefined : positiveInt("--threads", flags.threads);
  if (kind === "embedded" && flags.url !== undefined) {
    throw new InputError("--url does not apply to the embedded backend", {
      where: "--url",
      hint: "use --backend ollama or --backend openai to talk to a server",
    });
  }
  if (kind !== "embedded" && threads !== undefined) {
    throw new InputError(`--threads applies to the embedded backend only, not ${flag}`, {
      where: "--threads",
      hint: "the server chooses its own threads; drop --threads or use --backend embedded",
    });
  }
  if (kind === "ollama" && flags.model === undefined) {
    // Ollama serves whatever was pulled, under the name it was pulled as: there is no default to fall back on.
    throw new InputError("--backend ollama needs --model: the name Ollama knows the model by", {
      where: "--model",
      hint: "e.g. --model gpt-oss:20b (`ollama list` shows what you have, `ollama pull gpt-oss:20b` fetches it)",
    });
  }
  const tools = flags.tools === undefined ? [] : await readTools(flags.tools);
  const sampling: SamplingFlags = {
    ...(flags.temperature !== undefined ? { temperature: temperatureOf(flags.temperature) } : {}),
    ...(flags.seed !== undefined ? { seed: nonNegativeInt("--seed", flags.seed) } : {}),
  };
  return {
    kind,
    effort,
    tools,
    sampling,
    fallback: flags.fallback === true || process.env[FALLBACK_VARIABLE] === "1",
    ...(flags.url !== undefined ? { url: flags.url } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.system !== undefined ? { system: flags.system } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(threads !== undefined ? { threads } : {}),
  };
}

/** Creates the backend, showing a download's progress on stderr (the embedded model may be fetched first). */
export async function openBackend(setup: BackendSetup): Promise<Backend> {
  const progress = createProgressRenderer({ label: "downloading model" });
  try {
    if (setup.kind === "embedded") {
      // Before resolving: a model that cannot fit is not downloaded first (model-fallback.ts).
      const model = await modelThatFits(setup.model ?? DEFAULT_CLI_MODEL, {
        fallback: setup.fallback,
        context: PLAN_CONTEXT,
        note: (line) => process.stderr.write(`${line}\n`),
      });
      return await createBackend({
        kind: "embedded",
        model,
        ...(setup.threads !== undefined ? { threads: setup.threads } : {}),
        ...(setup.parallel !== undefined ? { parallel: setup.parallel } : {}),
        onProgress: (p) => progress.update(p),
        onLoadProgress: showLoadProgress,
      });
    }
    const backend = await createBackend({
      kind: setup.kind,
      ...(setup.url !== undefined ? { baseURL: setup.url } : {}),
      ...(setup.model !== undefined ? { model: setup.model } : {}),
    });
    return withCliErrors(backend, setup.kind, setup.url);
  } catch (error) {
    throw cliBackendError(error, setup.kind, setup.url);
  } finally {
    progress.end();
  }
}

/** The system message (today's date) and, when there are instructions or tools, the developer message. */
export function conversationStart(setup: Pick<BackendSetup, "system" | "tools">): Message[] {
  const { system, tools } = setup;
  return [
    systemMessage(systemContent({ conversation_start_date: new Date().toISOString().slice(0, 10) })),
    ...(system !== undefined || tools.length > 0
      ? [
          developerMessage({
            ...(system !== undefined ? { instructions: system } : {}),
            ...(tools.length > 0 ? { tools: { functions: { name: "functions", tools } } } : {}),
          }),
        ]
      : []),
  ];
}

async function readTools(path: string): Promise<ToolDescription[]> {
  return toolsFromJson(parseJsonText(await readTextFile(path, "--tools"), path), path);
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InputError(
      `${flag}: expected a whole number from 0 to 4294967295, found ${JSON.stringify(value)}`,
      {
        where: flag,
      },
    );
  }
  return n;
}

function temperatureOf(value: string): number {
  const t = Number(value);
  if (value.trim() === "" || !Number.isFinite(t) || t < 0) {
    throw new InputError(`--temperature: expected a number ≥ 0, found ${JSON.stringify(value)}`, {
      where: "--temperature",
      hint: "0 is greedy; gpt-oss is meant to run at 1",
    });
  }
  return t;
}

/** The load's progress, shown by `loadNow` on a terminal; a load in the background (chat's) shows none. */
const loading = { showing: false, label: "", percent: -1 };

function showLoadProgress(fraction: number): void {
  const percent = Math.floor(fraction * 100);
  if (!loading.showing || percent === loading.percent) return;
  loading.percent = percent;
  process.stderr.write(`\r\x1b[2K${loading.label} ${percent}%`);
}

/**
 * Loads an embedded model now, saying so on stderr (with the share loaded, on a terminal; a server backend has
 * nothing to load): a wrong file fails at once, and the first turn or request is not slow.
 */
export async function loadNow(backend: Backend): Promise<void> {
  if (!("ready" in backend) || typeof backend.ready !== "function") return;
  const tty = process.stderr.isTTY === true;
  const label = `loading ${basename(backend.location)}…`;
  process.stderr.write(`${label}${tty ? "" : "\n"}`);
  Object.assign(loading, { showing: tty, label, percent: -1 });
  try {
    await backend.ready();
  } finally {
    loading.showing = false;
    if (tty) process.stderr.write("\r\x1b[2K");
  }
}
