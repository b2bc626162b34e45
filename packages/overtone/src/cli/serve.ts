/**
 * `overtone serve`: the gateway (src/gateway/) on a port, in front of one backend, so any OpenAI or Ollama client
 * gets gpt-oss right. The model is served under the name it was given (`--model toy` → `toy`; a `.gguf` path →
 * its file name without the extension; `--name` to choose), loaded before the server says it is listening, and
 * `listening on http://HOST:PORT` is the one line on stdout (scripts wait for it; `--port 0` picks a free port).
 * The access log goes to stderr as JSON lines carrying each request's id.
 *
 * `--parallel <n>` (embedded) generates for n requests at once, batched into one decode per step by llama.cpp;
 * more wait in a queue of 64, and beyond that a request gets 503 with `retry-after`. The default is 1, as for
 * `run` and `chat`: every parallel request costs a whole context of KV cache up front (gpt-oss-20b at the
 * default 16,384 tokens: ~0.4 GB each), which one user at a time never uses; a gateway for several clients
 * should raise it (bench:gateway measures the aggregate decode speed of 4 streams against 1).
 *
 * Binds 127.0.0.1 by default: the gateway runs models on this machine's CPU, and on another address anyone who
 * can reach it could use them, so binding elsewhere without `--api-key` prints a warning.
 */
import { createServer } from "node:http";
import { basename } from "node:path";
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import type { Backend } from "../backends/contract.js";
import type { GatewayConfig } from "../gateway/config.js";
import { createGateway } from "../gateway/gateway.js";
import type { ServedModel } from "../gateway/protocol.js";
import { backendSetup, loadNow, openBackend } from "./backend-flags.js";
import { positiveInt } from "./flag-values.js";
import { choice } from "./io.js";

/** One above Ollama's 11434, so the gateway and an Ollama it fronts can run side by side with their defaults. */
export const DEFAULT_PORT = 11435;
const DEFAULT_MODEL = "gpt-oss-20b";

interface ServeFlags {
  config?: string;
  backend: string;
  url?: string;
  model?: string;
  name?: string;
  threads?: string;
  parallel?: string;
  host: string;
  port: string;
  apiKey?: string[];
  cors?: string[];
  reasoningField: string;
  timeout?: string;
}

/** A repeatable flag's values (no default given to commander, so its help shows none). */
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve gpt-oss over the OpenAI and Ollama APIs, in front of any backend")
    .option("--config <file>", "YAML file of models and their upstreams (replicas), reloaded when it changes")
    .option(
      "--backend <kind>",
      "where the model runs: embedded, ollama, openai (vLLM, llama-server, LM Studio)",
      "embedded",
    )
    .option("--url <url>", "the backend server's URL (ollama, openai)")
    .option(
      "--model <model>",
      `embedded: a .gguf path, toy, tiny or a Hugging Face reference (default ${DEFAULT_MODEL}); servers: their model name`,
    )
    .option("--name <name>", "the name clients use for the model (default: from --model)")
    .option("--threads <n>", "embedded: CPU threads (default: chosen for this machine)")
    .option(
      "--parallel <n>",
      "embedded: requests generated for at once, batched; each takes its own context of memory (default 1)",
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", `port to listen on (0: any free port)`, String(DEFAULT_PORT))
    .option("--api-key <key>", "require this Bearer key (repeat for several)", collect)
    .option("--cors <origin>", "allow browser calls from this origin (repeat; * for any)", collect)
    .option(
      "--reasoning-field <field>",
      "where OpenAI chat replies put reasoning: reasoning or reasoning_content",
      "reasoning",
    )
    .option(
      "--timeout <seconds>",
      "end a request still running after this long with a timeout error (default: no limit)",
    )
    .action(async (flags: ServeFlags) => serve(flags));
}

async function serve(flags: ServeFlags): Promise<void> {
  const port = flags.port === "0" ? 0 : positiveInt("--port", flags.port);
  const timeoutMs =
    flags.timeout === undefined ? undefined : positiveSeconds("--timeout", flags.timeout) * 1000;
  const log = (entry: object) => process.stderr.write(`${JSON.stringify(entry)}\n`);
  // The config file's modules (YAML among them) load only when there is a config file.
  const reload = flags.config === undefined ? undefined : await import("../gateway/config-reload.js");
  const config = reload === undefined ? undefined : await configFrom(flags, reload.readGatewayConfig);
  const models =
    config === undefined
      ? [await modelFromFlags(flags)]
      : (await (await import("../gateway/served-models.js")).servedModels(config.models)).models;
  const gateway = createGateway({
    models,
    apiKeys: [...(config?.apiKeys ?? []), ...(flags.apiKey ?? [])],
    corsOrigins: [...(config?.corsOrigins ?? []), ...(flags.cors ?? [])],
    ...(timeoutMs !== undefined ? { requestTimeoutMs: timeoutMs } : {}),
    log,
  });
  const watcher =
    flags.config === undefined || reload === undefined
      ? undefined
      : reload.watchGatewayConfig(flags.config, gateway, (event) =>
          log(
            event.ok
              ? { event: "config_reloaded", models: event.models }
              : { event: "config_refused", error: event.error.message },
          ),
        );
  const server = createServer(gateway.handle);
  await listen(server, port, flags.host);
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  if (!isLoopback(flags.host) && (flags.apiKey ?? []).length === 0 && (config?.apiKeys ?? []).length === 0) {
    process.stderr.write(
      `warning: listening on ${flags.host} without --api-key: anyone who can reach this address can use the model\n`,
    );
  }
  process.stdout.write(`listening on http://${hostForUrl(flags.host)}:${bound}\n`);
  await untilSignal();
  watcher?.close();
  await close(
    server,
    gateway.models.all().map((model) => model.backend),
  );
}

/** The config file, refused with the flags it would silently override. */
async function configFrom(
  flags: ServeFlags,
  readGatewayConfig: (path: string) => Promise<GatewayConfig>,
): Promise<GatewayConfig> {
  const clash = ["backend", "url", "model", "name", "threads", "parallel"].find(
    (flag) =>
      flags[flag as keyof ServeFlags] !== undefined && !(flag === "backend" && flags.backend === "embedded"),
  );
  if (clash !== undefined) {
    throw new InputError(`--${clash} and --config both say what to serve`, {
      where: `--${clash}`,
      hint: "put every model in the config file, or drop --config and name one model with the flags",
    });
  }
  return readGatewayConfig(flags.config as string);
}

/** The one model `--backend`/`--url`/`--model` name, loaded now (an embedded model) so requests find it ready. */
async function modelFromFlags(flags: ServeFlags): Promise<ServedModel> {
  const reasoningField = choice("--reasoning-field", flags.reasoningField, [
    "reasoning",
    "reasoning_content",
  ] as const);
  const setup = await backendSetup({ ...flags, effort: "medium" });
  if (flags.parallel !== undefined) {
    if (setup.kind !== "embedded") {
      throw new InputError(`--parallel applies to the embedded backend only, not ${flags.backend}`, {
        where: "--parallel",
        hint: "the server sets its own parallelism (llama-server --parallel, OLLAMA_NUM_PARALLEL)",
      });
    }
    setup.parallel = positiveInt("--parallel", flags.parallel);
  }
  if (setup.kind === "embedded" && setup.model === undefined) setup.model = DEFAULT_MODEL;
  const backend = await openBackend(setup);
  await loadNow(backend);
  return {
    name: flags.name ?? publicName(setup.model),
    backend,
    ...(setup.kind !== "embedded" && setup.model !== undefined ? { upstreamModel: setup.model } : {}),
    reasoningField,
    defaults: {},
    since: new Date(),
  };
}

function positiveSeconds(flag: string, value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError(`${flag}: expected a positive number of seconds, found ${JSON.stringify(value)}`, {
      where: flag,
    });
  }
  return seconds;
}

function publicName(model: string | undefined): string {
  if (model === undefined)
    throw new InputError("--model is needed to name the served model", { where: "--model" });
  return model.endsWith(".gguf") ? basename(model, ".gguf") : model;
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === "EADDRINUSE"
          ? "another program uses that port: pick another with --port (0 for any free one)"
          : "check --host and --port";
      reject(
        new InputError(`cannot listen on ${host}:${port}: ${error.message}`, {
          where: "--port",
          hint,
          cause: error,
        }),
      );
    });
    server.listen(port, host, () => resolve());
  });
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

async function close(server: ReturnType<typeof createServer>, backends: readonly Backend[]): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(backends.map((backend) => backend.close()));
}
