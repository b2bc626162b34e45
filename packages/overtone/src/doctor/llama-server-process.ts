/**
 * A llama-server the doctor starts itself (`--llama-server BIN --gguf FILE`): on 127.0.0.1 with a port the OS
 * picks (read back from its "listening on" line), `--jinja` so it renders the file's own chat template — the
 * thing being diagnosed — and a context of 8192 (what high-effort reasoning needs). It is ready once `/health`
 * answers 200; `stop()` ends it, and it is killed when this process exits, so a failed run leaves none behind.
 * This is how `--fix` shows before and after for a server: the same command started on the repaired copy.
 */
import { spawn } from "node:child_process";
import { BackendError } from "@overtone/errors";
import { httpRequest } from "../net/http.js";
import { HIGH_EFFORT_CONTEXT } from "./probes/context.js";

export interface StartedServer {
  root: string;
  stop(): Promise<void>;
}

/** Loading a model and its first `/health` answer; a 20B model from a cold disk takes a while. */
const READY_TIMEOUT_MS = 300_000;

export async function startLlamaServer(binary: string, gguf: string): Promise<StartedServer> {
  const args = [
    "--model",
    gguf,
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--jinja",
    "--ctx-size",
    String(HIGH_EFFORT_CONTEXT),
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let log = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const failure = (what: string, cause?: unknown) =>
    new BackendError(`llama-server (${binary}) ${what}`, {
      url: gguf,
      retryable: false,
      hint: `the last lines it logged:\n${log.slice(-1_500)}`,
      ...(cause !== undefined ? { cause } : {}),
    });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (data: Buffer) => {
        log += data.toString("utf8");
        const match = /listening on http:\/\/[^\s]*:(\d+)/.exec(log);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("error", (error) => reject(failure("could not start", error)));
      child.once("exit", (code, signal) => reject(failure(`exited (${code ?? signal}) before listening`)));
    });
    const root = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      // 503 while the model loads, 200 once it can serve; refused until the socket is up.
      const ok = await httpRequest(`${root}/health`, { timeoutMs: 5_000 }).then(
        async (r) => {
          await r.body?.cancel();
          return r.ok;
        },
        () => false,
      );
      if (ok) return { root, stop };
      if (child.exitCode !== null) throw failure(`exited (${child.exitCode}) while loading ${gguf}`);
      if (Date.now() > deadline) throw failure(`did not load ${gguf} within ${READY_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
