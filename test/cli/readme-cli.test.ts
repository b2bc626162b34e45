/**
 * The README's Harmony and GGUF commands run as written, in order, from a directory laid out like the repository
 * root (its examples/): a newcomer copies them one by one, so every file they name must exist or be made by a
 * command before it. The model-running commands (run, chat, train-toy) are tested elsewhere.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

type Group = "harmony" | "gguf" | "data";

/** `npx overtone harmony|gguf|data …` lines of the README's sh blocks, comments left to sh. */
function readmeCommands(group: Group): string[] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks
    .flatMap((block) => block.split("\n"))
    .filter((line) => line.startsWith(`npx overtone ${group} `) && !line.includes("train-toy"));
}

function runInOrder(
  group: Group,
): { command: string; status: number | null; stdout: string; stderr: string }[] {
  const root = mkdtempSync(join(tmpdir(), "overtone-readme-"));
  symlinkSync(fileURLToPath(new URL("../../examples", import.meta.url)), join(root, "examples"));
  return readmeCommands(group).map((command) => {
    const script = command.replace(/^npx overtone /, `"${process.execPath}" "${bin}" `);
    const result = spawnSync("sh", ["-c", script], { cwd: root, encoding: "utf8", timeout: 120_000 });
    return { command, status: result.status, stdout: result.stdout, stderr: result.stderr };
  });
}

describe("the README's commands work as written", () => {
  it("harmony: every command, including the ones reading what an earlier one wrote", () => {
    const results = runInOrder("harmony");
    expect(results.length).toBeGreaterThanOrEqual(5);
    for (const result of results) {
      expect({ command: result.command, stderr: result.stderr, status: result.status }).toEqual({
        command: result.command,
        stderr: "",
        status: 0,
      });
    }
    const stream = results.find((r) => r.command.includes("--stream"));
    expect(stream?.stdout.trim().split("\n").at(-1)).toMatch(/^\{"type":"finish","reason":"stop"/);
    const lenient = results.find((r) => r.command.includes("--lenient"));
    expect(JSON.parse(lenient?.stdout ?? "").map((m: { channel: string }) => m.channel)).toEqual([
      "analysis",
      "final",
    ]);
  });

  it("gguf: every command but train-toy", () => {
    const results = runInOrder("gguf");
    expect(results.length).toBeGreaterThanOrEqual(5);
    for (const result of results) {
      expect({ command: result.command, stderr: result.stderr, status: result.status }).toEqual({
        command: result.command,
        stderr: "",
        status: 0,
      });
    }
  });

  it("data: describe and query the example file, with the answers the README implies", () => {
    const results = runInOrder("data");
    expect(results.length).toBe(3);
    for (const result of results) {
      expect({ command: result.command, stderr: result.stderr, status: result.status }).toEqual({
        command: result.command,
        stderr: "",
        status: 0,
      });
    }
    expect(results[0]?.stdout).toContain("Table sales (12 rows");
    expect(results[1]?.stdout.split("\n")[2]).toMatch(/^France\s+5$/);
    expect(JSON.parse(results[2]?.stdout ?? "").rows).toEqual([[75.7]]);
  });
});
