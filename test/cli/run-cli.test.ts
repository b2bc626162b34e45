/**
 * `overtone run` end to end, as the README's offline main job: the embedded engine (real llama.cpp) on the
 * generated `tiny` model, resolved through a temporary model cache.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const cache = mkdtempSync(join(tmpdir(), "overtone-run-cache-"));
const env = { OVERTONE_CACHE: cache };

describe("overtone run", () => {
  it("--backend embedded --model tiny --json streams parts ending in finish", () => {
    const result = runCli(
      ["run", "--backend", "embedded", "--model", "tiny", "--json", "--max-tokens", "6", "hello"],
      undefined,
      env,
    );
    expect(result.stderr).not.toMatch(/overtone: /);
    expect(result.status).toBe(0);
    const parts = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: "finish", reason: "length", usage: { outputTokens: 6 } });
    expect(finish.usage.inputTokens).toBeGreaterThan(20);
    expect(finish.timings.firstTokenMs).toBeGreaterThan(0);
    expect(parts.filter((p) => p.type === "finish")).toHaveLength(1);
  });

  it("accepts --tools in Harmony or OpenAI form and rejects a broken file with one line", () => {
    const tools = join(cache, "tools.json");
    writeFileSync(
      tools,
      JSON.stringify([{ type: "function", function: { name: "get_weather", description: "Weather" } }]),
    );
    const ok = runCli(
      ["run", "--model", "tiny", "--json", "--max-tokens", "2", "--tools", tools, "hi"],
      undefined,
      env,
    );
    expect(ok.status).toBe(0);
    const broken = join(cache, "broken.json");
    writeFileSync(broken, JSON.stringify([{ description: "no name" }]));
    const bad = runCli(["run", "--model", "tiny", "--tools", broken, "hi"], undefined, env);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/broken\.json\[0\]: a tool needs a "name"/);
  });

  it("rejects an unknown backend and an unknown effort", () => {
    expect(runCli(["run", "--backend", "nope", "hi"]).stderr).toMatch(/--backend: unknown value "nope"/);
    expect(runCli(["run", "--effort", "max", "hi"]).stderr).toMatch(/--effort: unknown value "max"/);
  });

  it("takes --backend openai, as documented, and openai-compatible, the library's name, for the same server", () => {
    for (const backend of ["openai", "openai-compatible"]) {
      // Port 1 is one fetch refuses: the server is asked (its /v1/models), so the kind was accepted.
      const result = runCli(["run", "--backend", backend, "--url", "http://127.0.0.1:1/v1", "hi"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/--url http:\/\/127\.0\.0\.1:1\/v1 cannot be used: bad port/);
    }
  });

  it("rejects an option of another backend before loading or contacting anything", () => {
    expect(runCli(["run", "--url", "http://127.0.0.1:1", "hi"]).stderr).toMatch(
      /--url does not apply to the embedded backend/,
    );
    expect(runCli(["run", "--backend", "ollama", "--threads", "2", "hi"]).stderr).toMatch(
      /--threads applies to the embedded backend only, not ollama/,
    );
  });

  it("rejects a negative temperature and a seed that is not a whole number, before loading anything", () => {
    const cold = runCli(["run", "--model", "tiny", "--temperature", "-1", "hi"]);
    expect(cold.status).toBe(1);
    expect(cold.stderr).toMatch(/--temperature: expected a number ≥ 0, found "-1"/);
    expect(runCli(["run", "--model", "tiny", "--seed", "1.5", "hi"]).stderr).toMatch(
      /--seed: expected a whole number/,
    );
  });
});
