/**
 * A real llama.cpp `llama-server` for integration tests, built from the llama.cpp source node-llama-cpp ships
 * (scripts/build-llama-server.mjs: cached, built once — about 10 minutes on 2 cores — and shared by parallel
 * test processes through a lock). `startLlamaServer` runs it on 127.0.0.1 with an OS-chosen port, waits until
 * `/health` says the model is loaded, and returns a handle whose `stop()` ends it; every server started here is
 * also killed when the test process exits, so a failing test never leaves one running.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL("../../scripts/build-llama-server.mjs", import.meta.url));

/** Long enough for a first build on a busy 2-core machine. */
export const LLAMA_SERVER_BUILD_TIMEOUT_MS = 20 * 60_000;

let binary: Promise<string> | undefined;

/**
 * Path of the cached llama-server binary, building it first when missing. `anyTier`: for benches, which run
 * outside the test tiers.
 */
export function llamaServerBinary(anyTier = false): Promise<string> {
  // A first build takes minutes: only the full tier may pay for it (vitest.config.ts lists its files).
  if (!anyTier && process.env.OVERTONE_TEST_TIER !== "full") {
    return Promise.reject(
      new Error(
        "llama-server is for full-tier tests only: add this test file to FULL_ONLY in vitest.config.ts " +
          "(run it with `npm run test:full`)",
      ),
    );
  }
  binary ??= promisify(execFile)(process.execPath, [BUILD_SCRIPT, "--quiet"], {
    cwd: ROOT,
    timeout: LLAMA_SERVER_BUILD_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  }).then(({ stdout }) => stdout.trim().split("\n").at(-1) as string);
  binary.catch(() => (binary = undefined));
  return binary;
}

export interface LlamaServerOptions {
  model: string;
  /** 0 (default): the OS picks a free port, read back from the server's log. */
  port?: number;
  /** Default 1: the fastest for tiny models on a small CPU (see test/support/llama.ts). */
  threads?: number;
  /** Context size; default 2048. */
  ctx?: number;
  extraArgs?: readonly string[];
  /** How long to wait for the model to load; default 60 s. */
  readyTimeoutMs?: number;
  /** Run outside the full test tier (benches); see llamaServerBinary. */
  anyTier?: boolean;
}

export interface LlamaServerHandle {
  readonly baseURL: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything the server logged (stdout and stderr), for assertions and failure messages. */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); resolves once it exited. Safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServerHandle> {
  const path = await llamaServerBinary(options.anyTier);
  const args = [
    "--model",
    options.model,
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port ?? 0),
    "--threads",
    String(options.threads ?? 1),
    "--threads-batch",
    String(options.threads ?? 1),
    "--threads-http",
    "2",
    "--ctx-size",
    String(options.ctx ?? 2048),
    "--parallel",
    "1",
    "--jinja",
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString("utf8");
        const match = /listening on http:\/\/[^\s]*:(\d+)/.exec(output);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("error", reject);
      child.once("exit", (code, signal) =>
        reject(
          new Error(`llama-server exited (${code ?? signal}) before listening:\n${output.slice(-3_000)}`),
        ),
      );
    });
    const baseURL = `http://127.0.0.1:${port}`;
    await waitForHealth(baseURL, options.readyTimeoutMs ?? 60_000, () => output);
    return { baseURL, port, process: child, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `/health` answers 503 while the model loads and 200 once it can serve. */
async function waitForHealth(baseURL: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${baseURL}/health`);
      if (response.ok) return;
      await response.body?.cancel();
    } catch {
      // not accepting connections yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `llama-server at ${baseURL} not healthy after ${timeoutMs} ms:\n${log().slice(-3_000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
