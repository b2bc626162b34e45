/**
 * `overtone doctor`: diagnose a gpt-oss set-up — the backend, the model, its template, the sampling and context
 * it runs with, and how it behaves (channels, tools, effort, structured output, Ollama's generate route) — with
 * the evidence and the fix for each problem; `--fix --out DIR` writes the fixes (and, for the embedded engine and
 * a GGUF, re-runs the failed probes on the repaired copy: before → after). Exit status: 0 healthy, 1 problems
 * found, 2 the doctor could not run (issue 17).
 */
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import type { Backend } from "../backends/contract.js";
import { type BackendKind, createBackend, DEFAULT_URLS } from "../backends/create-backend.js";
import { serverRoot } from "../backends/openai-compatible/backend.js";
import {
  type AppliedFix,
  applyFixes,
  beforeAfterText,
  checkLine,
  type DoctorRun,
  exitCodeOf,
  fixesText,
  PROBE_IDS,
  type ProbeId,
  reportJson,
  rerunFixed,
  runDoctor,
  verdictLine,
} from "../doctor/index.js";
import { startLlamaServer } from "../doctor/llama-server-process.js";
import { positiveInt } from "./flag-values.js";
import { choice, writeOut } from "./io.js";

interface DoctorFlags {
  backend: string;
  url?: string;
  model?: string;
  gguf?: string;
  quick?: boolean;
  fix?: boolean;
  out?: string;
  json?: boolean;
  verbose?: boolean;
  tries?: string;
  only?: string;
  llamaServer?: string;
}

const BACKEND_FLAGS = ["embedded", "ollama", "openai", "openai-compatible"] as const;

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("diagnose a gpt-oss set-up (template, channels, effort, tools, …) and write the fixes")
    .option("--backend <kind>", "embedded, ollama, or openai (vLLM, llama-server, LM Studio)", "embedded")
    .option("--url <url>", "the server's URL (ollama, openai)")
    .option(
      "--model <model>",
      "embedded: a .gguf path, toy or tiny; servers: the model name (default: the first gpt-oss)",
    )
    .option(
      "--gguf <file>",
      "the GGUF file the model comes from: its metadata is read, and --fix repairs a copy",
    )
    .option("--quick", "skip the probes that sample many generations (effort, generate-route); 1 try each")
    .option("--fix", "write the fixes into --out (nothing is modified in place)")
    .option("--out <dir>", "where --fix writes")
    .option("--json", "print { target, checks, verdict } as JSON")
    .option("--verbose", "show each probe's evidence")
    .option("--tries <n>", "generations per behavioural probe (default 3; 1 with --quick)")
    .option("--only <ids>", `comma-separated probes to run: ${PROBE_IDS.join(", ")}`)
    .option(
      "--llama-server <binary>",
      "start this llama-server on --gguf and diagnose it (with --fix: again on the repaired copy, before → after)",
    )
    .action(async (flags: DoctorFlags) => {
      process.exitCode = await doctor(flags);
    });
}

async function doctor(flags: DoctorFlags): Promise<number> {
  const flag = choice("--backend", flags.backend, BACKEND_FLAGS);
  const kind: BackendKind = flags.llamaServer !== undefined || flag === "openai" ? "openai-compatible" : flag;
  if (
    flags.llamaServer !== undefined &&
    (flags.gguf === undefined || flags.url !== undefined || flag === "ollama")
  ) {
    throw new InputError(
      "--llama-server starts llama-server on --gguf itself: it needs --gguf, and no --url",
      {
        where: "--llama-server",
        hint: "e.g. --llama-server ./llama-server --gguf ./gpt-oss-20b.gguf",
      },
    );
  }
  if (flags.fix === true && flags.out === undefined) {
    throw new InputError("--fix needs --out: the doctor writes fixes into a folder, never in place", {
      where: "--out",
      hint: "e.g. --fix --out ./doctor-fixes",
    });
  }
  if (kind === "embedded" && flags.url !== undefined) {
    throw new InputError("--url does not apply to the embedded backend", {
      where: "--url",
      hint: "use --backend ollama or openai",
    });
  }
  const only = flags.only === undefined ? undefined : probeList(flags.only);
  const tries = flags.tries === undefined ? undefined : positiveInt("--tries", flags.tries);
  const options = { quick: flags.quick === true, ...(tries !== undefined ? { tries } : {}) };
  const opened = await open(kind, flags);
  const started = performance.now();
  let run: DoctorRun;
  try {
    run = await runDoctor({ ...options, ...opened, ...(only !== undefined ? { only } : {}) });
  } finally {
    await opened.close();
  }
  const seconds = (performance.now() - started) / 1000;
  let applied: AppliedFix[] = [];
  let after: DoctorRun | undefined;
  if (flags.fix === true && flags.out !== undefined) {
    applied = await applyFixes(run.checks, run.resolved, flags.out);
    const fixedGguf = applied.find((f) => f.kind === "gguf-harmony-template")?.files[0];
    // The embedded engine loads the repaired copy, a llama-server the doctor started is started on it; a server
    // someone else runs is restarted by its owner (the fix's command says how).
    if (fixedGguf !== undefined && (kind === "embedded" || flags.llamaServer !== undefined)) {
      after = await rerunFixed(
        run,
        fixedGguf,
        (gguf) => open(kind, { ...flags, model: gguf, gguf }),
        options,
      );
    }
  }
  const text = {
    colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
    verbose: flags.verbose === true,
  };
  if (flags.json === true) {
    await writeOut(
      reportJson(run, {
        seconds: Math.round(seconds * 10) / 10,
        ...(flags.fix === true ? { fixes: applied } : {}),
        ...(after !== undefined ? { after: { checks: after.checks, verdict: after.verdict } } : {}),
      }),
    );
  } else {
    let output = `overtone doctor: ${run.target}\n`;
    for (const check of run.checks) output += checkLine(check, text);
    output += verdictLine(run, text);
    output += `(${seconds.toFixed(1)} s)\n`;
    if (flags.fix === true) output += fixesText(applied);
    if (after !== undefined) output += beforeAfterText(run.checks, after.checks);
    await writeOut(output);
  }
  return exitCodeOf(run.verdict);
}

function probeList(text: string): ProbeId[] {
  const ids = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const id of ids) {
    if (!(PROBE_IDS as readonly string[]).includes(id)) {
      throw new InputError(`--only: unknown probe ${JSON.stringify(id)}`, {
        where: "--only",
        hint: `use: ${PROBE_IDS.join(", ")}`,
      });
    }
  }
  return ids as ProbeId[];
}

/**
 * The backend and the doctor's target. A backend that cannot even be created (a model file that is not there)
 * is not an error of the command: the report says so (`reachable` fails, the rest are skipped) and exits 2.
 */
async function open(kind: BackendKind, flags: DoctorFlags) {
  if (flags.llamaServer !== undefined && flags.gguf !== undefined) {
    const server = await startLlamaServer(flags.llamaServer, flags.gguf);
    const backend = await createBackend({ kind: "openai-compatible", baseURL: server.root });
    return {
      target: { kind, root: server.root, gguf: flags.gguf },
      backend,
      close: async () => {
        await backend.close();
        await server.stop();
      },
    };
  }
  const root =
    kind === "ollama"
      ? (flags.url ?? DEFAULT_URLS.ollama).replace(/\/+$/, "")
      : kind === "openai-compatible"
        ? serverRoot(flags.url ?? DEFAULT_URLS["openai-compatible"])
        : undefined;
  const target = {
    kind,
    ...(root !== undefined ? { root } : {}),
    ...(kind !== "embedded" && flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.gguf !== undefined ? { gguf: flags.gguf } : {}),
  };
  let backend: Backend;
  try {
    backend =
      kind === "embedded"
        ? await createBackend({ kind, model: embeddedModel(flags), offline: true })
        : await createBackend({ kind, ...(root !== undefined ? { baseURL: root } : {}) });
  } catch (error) {
    backend = unavailable(kind, error);
  }
  return { target, backend, close: () => backend.close() };
}

function embeddedModel(flags: DoctorFlags): string {
  const model = flags.model ?? flags.gguf;
  if (model === undefined) {
    throw new InputError("the embedded backend needs --model or --gguf: the model to diagnose", {
      where: "--model",
      hint: "e.g. --gguf ./gpt-oss-20b.gguf, --model toy, or --backend ollama --model gpt-oss:20b",
    });
  }
  return model;
}

/** A backend that could not be created: every call fails with the reason, so `reachable` reports it. */
function unavailable(kind: BackendKind, error: unknown): Backend {
  const fail = () => Promise.reject(error);
  return {
    kind,
    location: "",
    capabilities: {
      rawPrompt: false,
      nativeHarmony: false,
      reasoningEffort: false,
      tools: false,
      logprobs: false,
      tokenCounts: false,
    },
    stream: async function* () {
      yield { type: "error", error: error instanceof Error ? error : new Error(String(error)) };
    },
    listModels: fail,
    close: async () => {},
  };
}
