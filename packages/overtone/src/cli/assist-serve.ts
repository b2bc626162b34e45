/**
 * `overtone assist serve`: the assistant service of field report 004 (src/assist/) on a port, in front of any
 * backend `run` can use, with `run`'s backend flags. Binds 127.0.0.1 by default — safe execute runs commands on
 * this machine, so it is for the person at it — loads the model before it says it is ready, and prints
 * `listening on http://HOST:PORT` as its one line on stdout (`--port 0` picks a free port). Requests and
 * generations are logged to stderr as JSON lines (token counts and timings, never the reasoning's text).
 */
import { basename } from "node:path";
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import { createAssist } from "../assist/assist-service.js";
import type { Backend, Route } from "../backends/contract.js";
import { addBackendOptions, type BackendFlags, backendSetup, loadNow, openBackend } from "./backend-flags.js";
import { positiveInt } from "./flag-values.js";
import { choice } from "./io.js";

/** Beside `overtone serve`'s 11435; report 004's own service listened on 8080. */
export const DEFAULT_ASSIST_PORT = 8080;
const DEFAULT_MODEL = "gpt-oss-20b";
const ROUTES: readonly Route[] = ["auto", "chat", "raw"];

interface AssistServeFlags extends BackendFlags {
  host: string;
  port: string;
  route: string;
  topP?: string;
}

export function registerAssistServe(assist: Command): void {
  addBackendOptions(
    assist
      .command("serve")
      .description("serve the assistant (status, diagnose, brainstorm, judge, safe execute) as a JSON API"),
  )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", String(DEFAULT_ASSIST_PORT))
    .option(
      "--route <route>",
      "how a server is driven: auto (gpt-oss through its chat API), chat or raw",
      "auto",
    )
    .option("--top-p <p>", "nucleus sampling (default: gpt-oss's 1)")
    .action(async (flags: AssistServeFlags) => assistServe(flags));
}

async function assistServe(flags: AssistServeFlags): Promise<void> {
  const port = flags.port === "0" ? 0 : positiveInt("--port", flags.port);
  const route = choice("--route", flags.route, ROUTES);
  for (const flag of ["system", "tools"] as const) {
    if (flags[flag] !== undefined) {
      throw new InputError(`--${flag} does not apply to assist serve: each route has its own instructions`, {
        where: `--${flag}`,
        hint: "drop it; the prompts are described in docs/assist.md",
      });
    }
  }
  const topP = flags.topP === undefined ? undefined : unitInterval("--top-p", flags.topP);
  const setup = await backendSetup(flags);
  if (setup.kind === "embedded" && setup.model === undefined) setup.model = DEFAULT_MODEL;
  const backend = await openBackend(setup);
  await loadNow(backend);
  const log = (entry: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(entry)}\n`);
  const assist = createAssist({
    backend,
    modelName: setup.model !== undefined ? publicName(setup.model) : await serverModel(backend),
    generation: {
      effort: setup.effort,
      route,
      ...(setup.kind !== "embedded" && setup.model !== undefined ? { model: setup.model } : {}),
      ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
      ...setup.sampling,
      ...(topP !== undefined ? { topP } : {}),
    },
    log,
    observe: (task, generation) =>
      log({
        event: "generation",
        task,
        finish: generation.finishReason,
        ms: Math.round(generation.elapsedMs),
        answerChars: generation.answer.length,
        reasoningChars: generation.reasoning.length,
        ...(generation.usage !== undefined ? { usage: generation.usage } : {}),
      }),
  });
  const { createServer } = await import("node:http");
  const server = createServer(assist.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new InputError(`cannot listen on ${flags.host}:${port}: ${error.message}`, {
          where: "--port",
          hint:
            error.code === "EADDRINUSE"
              ? "pick another port with --port (0 for any free one)"
              : "check --host and --port",
          cause: error,
        }),
      ),
    );
    server.listen(port, flags.host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  if (!["localhost", "::1"].includes(flags.host) && !flags.host.startsWith("127.")) {
    process.stderr.write(
      `warning: listening on ${flags.host}: anyone who can reach it can run the allowlisted commands on this machine\n`,
    );
  }
  const host = flags.host.includes(":") ? `[${flags.host}]` : flags.host;
  process.stdout.write(`listening on http://${host}:${bound}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await backend.close();
}

function unitInterval(flag: string, value: string): number {
  const p = Number(value);
  if (value.trim() === "" || !Number.isFinite(p) || p <= 0 || p > 1) {
    throw new InputError(`${flag}: expected a number above 0 and at most 1, found ${JSON.stringify(value)}`, {
      where: flag,
      hint: "gpt-oss is meant to run at 1",
    });
  }
  return p;
}

function publicName(model: string): string {
  return model.endsWith(".gguf") ? basename(model, ".gguf") : model;
}

/** A server's model when --model named none: the first it lists (the one it serves by default), for status. */
async function serverModel(backend: Backend): Promise<string> {
  const models = await backend.listModels().catch(() => []);
  const id = models[0]?.id;
  return id === undefined ? "the server's default" : publicName(basename(id));
}
