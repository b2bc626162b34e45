/**
 * `overtone … | head -1`: a reader that goes away after the first line ends the command quietly with exit 0, as it
 * ends other Unix tools, instead of Node's unhandled EPIPE (a stack trace and exit 1).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const bin = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));
const example = fileURLToPath(new URL("../../examples/weather.json", import.meta.url));

/** Runs the CLI with its stdout closed by the reader as soon as the first chunk arrives. */
function runIntoClosingReader(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stdout.once("data", () => child.stdout.destroy());
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

describe("a reader that closes the pipe early", () => {
  it("harmony parse --stream stops quietly with exit 0", async () => {
    const conversation = runCli([
      "harmony",
      "render",
      example,
      "--mode",
      "conversation",
      "--format",
      "tokens",
    ]);
    expect(conversation.status).toBe(0);
    // Far more than a pipe's buffer (64 KiB), so writes are still pending when the reader leaves.
    const ids = join(mkdtempSync(join(tmpdir(), "overtone-pipe-")), "many.ids");
    writeFileSync(ids, Array.from({ length: 40 }, () => conversation.stdout.trim()).join(" "));
    const result = await runIntoClosingReader(["harmony", "parse", ids, "--stream"]);
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
