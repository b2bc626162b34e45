/**
 * `overtone serve --parallel <n>` through the built CLI: checked before anything loads or listens — a positive
 * whole number, for the embedded backend only, and not beside --config (an upstream's `parallel` says it there).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "overtone-serve-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("overtone serve --parallel", () => {
  it("is refused for a server backend, when not a positive whole number, and beside --config", () => {
    const server = runCli([
      "serve",
      "--backend",
      "ollama",
      "--url",
      "http://127.0.0.1:9",
      "--model",
      "gpt-oss:20b",
      "--parallel",
      "2",
    ]);
    expect(server.status).toBe(1);
    expect(server.stderr).toMatch(/--parallel applies to the embedded backend only, not ollama/);

    const zero = runCli(["serve", "--model", "tiny", "--parallel", "0"]);
    expect(zero.status).toBe(1);
    expect(zero.stderr).toMatch(/--parallel/);
    expect(zero.stdout).toBe("");

    const config = join(dir, "gw.yaml");
    writeFileSync(config, "models:\n  - { name: t, backend: embedded, model: tiny, parallel: 2 }\n");
    const clash = runCli(["serve", "--config", config, "--parallel", "2"]);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/--parallel and --config both say what to serve/);
  });
});
