/**
 * The `overtone` command line: wires commands together and turns errors into one line (error-report.ts; `--debug`
 * adds the stack and the causes) and an exit code.
 * Only the invoked command's module is imported: the others pull in node-llama-cpp or the tokenizer's 200k-token
 * tables, which would cost every command about a second of start-up. Help without a command loads them all.
 */

import { readFile } from "node:fs/promises";
import { ConfigError, isOvertoneError } from "@overtone/errors";
import { Command, CommanderError } from "commander";
import { errorReport } from "./error-report.js";
import { stopWhenReaderLeaves } from "./io.js";

type Register = (parent: Command) => void;

const GROUPS: Record<string, { description: string; commands: Record<string, () => Promise<Register>> }> = {
  harmony: {
    description: "render and parse the Harmony format exactly",
    commands: {
      render: () => import("./harmony-render.js").then((m) => m.registerHarmonyRender),
      parse: () => import("./harmony-parse.js").then((m) => m.registerHarmonyParse),
    },
  },
  gguf: {
    description: "inspect, repair and make GGUF model files",
    commands: {
      inspect: () => import("./gguf-inspect.js").then((m) => m.registerGgufInspect),
      template: () => import("./gguf-template.js").then((m) => m.registerGgufTemplate),
      "make-tiny": () => import("./gguf-make-tiny.js").then((m) => m.registerGgufMakeTiny),
      "train-toy": () => import("./gguf-train-toy.js").then((m) => m.registerGgufTrainToy, trainerMissing),
    },
  },
  data: {
    description:
      "ask questions of CSV, Parquet and JSON files, or query them with SQL, in a locked-down DuckDB",
    commands: {
      query: () => import("./data-query.js").then((m) => m.registerDataQuery),
      describe: () => import("./data-describe.js").then((m) => m.registerDataDescribe),
      ask: () => import("./data-ask.js").then((m) => m.registerDataAsk),
      chat: () => import("./data-chat.js").then((m) => m.registerDataChat),
    },
  },
  assist: {
    description: "the assistant service: diagnose, brainstorm, judge and safe execute as a local JSON API",
    commands: {
      serve: () => import("./assist-serve.js").then((m) => m.registerAssistServe),
    },
  },
  surgery: {
    description: "model surgery on the GGUF itself: measure a direction, remove it from the residual writers",
    commands: {
      measure: () => import("./surgery-measure.js").then((m) => m.registerSurgeryMeasure),
      analyze: () => import("./surgery-analyze.js").then((m) => m.registerSurgeryAnalyze),
      ablate: () => import("./surgery-ablate.js").then((m) => m.registerSurgeryAblate),
    },
  },
  bench: {
    description: "ladder benchmarks: reports over the per-call JSONL records of bench runs",
    commands: {
      report: () => import("./bench-report.js").then((m) => m.registerBenchReport),
      run: () => import("./bench-run.js").then((m) => m.registerBenchRun),
      rate: () => import("./bench-rate.js").then((m) => m.registerBenchRate),
    },
  },
};
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: () => import("./run.js").then((m) => m.registerRun),
  chat: () => import("./chat.js").then((m) => m.registerChat),
  proofread: () => import("./proofread.js").then((m) => m.registerProofread),
  models: () => import("./models.js").then((m) => m.registerModels),
  serve: () => import("./serve.js").then((m) => m.registerServe),
  doctor: () => import("./doctor.js").then((m) => m.registerDoctor),
};

/**
 * The toy trainer is its own package (`@overtone/toy`, an optional peer): installed in this repository, not with
 * `npm i @overtone/overtone`. Without it `gguf train-toy` says how to get it instead of a module-resolution trace.
 */
function trainerMissing(error: unknown): Register {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" || !String((error as Error).message).includes("@overtone/toy"))
    throw error;
  // Registered all the same, so `overtone --help` lists it and only running it fails.
  return (gguf) => {
    gguf
      .command("train-toy")
      .description("train the toy gpt-oss model (needs the separate package @overtone/toy)")
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new ConfigError("the toy trainer is not installed: it is a separate package, @overtone/toy", {
          where: "overtone gguf train-toy",
          hint: "install it beside Overtone (npm i @overtone/toy), or run --model toy to use the shipped toy model",
          cause: error,
        });
      });
  };
}

/** The main package's version, read from its package.json (bin/ and dist/cli/ are two levels below it). */
async function packageVersion(): Promise<string> {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(await readFile(file, "utf8")) as { version: string }).version;
}

/** The first argument that is not an option, from `from` on. */
function operand(argv: readonly string[], from: number): string | undefined {
  return argv.slice(from).find((a) => !a.startsWith("-"));
}

async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command("overtone")
    .description("Make OpenAI's gpt-oss models (Harmony format) work right on your own machine.")
    .version(await packageVersion(), "-V, --version", "print Overtone's version")
    .option("--debug", "print the stack trace of errors and of the errors they wrap")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  const first = operand(argv, 2);
  const known = first !== undefined && (first in GROUPS || first in COMMANDS);
  for (const [name, group] of Object.entries(GROUPS)) {
    if (known && first !== name) continue;
    const parent = program.command(name).description(group.description).exitOverride();
    const sub = operand(argv, argv.indexOf(name) + 1);
    const only = sub !== undefined && sub in group.commands ? [sub] : Object.keys(group.commands);
    for (const command of only) (await (group.commands[command] as () => Promise<Register>)())(parent);
  }
  for (const [name, load] of Object.entries(COMMANDS)) {
    if (!known || first === name) (await load())(program);
  }
  return program;
}

/**
 * `run`, `chat`, `serve`, `proofread`, `data ask` and `data chat` on the embedded backend (the default) start
 * llama.cpp before their own modules load:
 * node-llama-cpp first tests its binary in a child process (~0.25 s of waiting here), which then overlaps with
 * loading the command (the tokenizer's tables alone take ~0.15 s) instead of following it
 * (bench/engine-cold-start.ts). A failure is not reported here: loading the model meets it again and says so.
 */
const MODEL_COMMANDS = new Set(["run", "chat", "serve", "proofread"]);

async function startEmbeddedEngine(argv: readonly string[]): Promise<void> {
  const command = operand(argv, 2);
  // `data ask` and `data chat` run a model too; `data query` and `data describe` do not.
  const sub = command === "data" ? operand(argv, argv.indexOf("data") + 1) : undefined;
  const runsModel = MODEL_COMMANDS.has(command ?? "") || sub === "ask" || sub === "chat";
  if (!runsModel || argv.includes("--help") || argv.includes("-h")) return;
  const at = argv.findIndex((arg) => arg === "--backend" || arg.startsWith("--backend="));
  const flag = argv[at] ?? "";
  const kind = at < 0 ? "embedded" : flag.includes("=") ? flag.slice(flag.indexOf("=") + 1) : argv[at + 1];
  if (kind !== "embedded") return;
  const runtime = await import("../engine/llama-runtime.js");
  await runtime.nodeLlamaCpp().catch(() => undefined);
  runtime.engineLlama().catch(() => undefined);
}

stopWhenReaderLeaves();
try {
  await startEmbeddedEngine(process.argv);
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (usage errors, --help, --version).
    return error.exitCode;
  }
  process.stderr.write(errorReport(error, { debug: process.argv.includes("--debug") }));
  return isOvertoneError(error) ? 1 : 70;
}
