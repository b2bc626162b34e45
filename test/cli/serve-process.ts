/**
 * `overtone serve` as a child process through the built CLI, resolved once it printed `listening on …`: for the
 * tests that meet the gateway the way users do (test/cli/serve-cli.test.ts, test/gateway/keep-alive-timeout.test.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`, from the listening line. */
  base: string;
  /** What it wrote on stderr so far (the access log). */
  stderr(): string;
}

export async function startServe(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, "serve", ...args, "--port", "0"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const base = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code} before listening: ${stderr}`)));
  });
  return { child, base, stderr: () => stderr };
}
