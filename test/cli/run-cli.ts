/** Runs the built CLI (`dist/`, built by `npm test` before vitest) as a user would, and captures its output. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], input?: string, env?: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], {
    input,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
