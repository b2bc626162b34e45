/**
 * Issue 15 (field report 003): `overtone models recommend` and the fallback, through the built CLI, with the
 * machine's free memory set by OVERTONE_FREE_MEMORY_BYTES so the choice does not depend on this machine. The
 * fallback runs offline against an empty cache: the model it switches to is named by the offline error, so
 * nothing is downloaded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_MODEL_DIR, tinyModelPath } from "../support/tiny-models.js";
import { runCli } from "./run-cli.js";

const cache = mkdtempSync(join(tmpdir(), "overtone-recommend-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
const free = (bytes: number) => ({
  OVERTONE_FREE_MEMORY_BYTES: String(bytes),
  OVERTONE_CACHE: cache,
  OVERTONE_OFFLINE: "1",
});

describe("models recommend", () => {
  it("--json: the memory used, the choice, the next model down, and every candidate's needs", () => {
    const result = runCli(["models", "recommend", "--json"], undefined, free(24e9));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const r = JSON.parse(result.stdout) as Record<string, unknown> & {
      candidates: { name: string; need: { total: number; kvCache: number }; fits: string }[];
    };
    expect(r).toMatchObject({
      context: 16_384,
      memory: { ramFree: 24e9, source: "OVERTONE_FREE_MEMORY_BYTES" },
      choice: "gpt-oss-20b",
      next: "gpt-oss-20b-q4_k_m",
    });
    expect(r.candidates.map((c) => c.name)).toEqual([
      "gpt-oss-120b",
      "gpt-oss-20b-f16",
      "gpt-oss-20b",
      "gpt-oss-20b-q4_k_m",
      "toy",
      "tiny",
    ]);
    const big = r.candidates[0];
    expect(big?.fits).toBe("no");
    expect(r.candidates[2]?.need.kvCache).toBe(2048 * (12 * 16_384 + 12 * 640));
  });

  it("the table says why: the memory, what each needs at the context, the choice and the next down", () => {
    const result = runCli(["models", "recommend", "--context", "8192"], undefined, free(12.5e9));
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^this machine: 12\.5 GB of RAM free .*set by OVERTONE_FREE_MEMORY_BYTES/);
    expect(result.stdout).toContain("at a context of 8,192 tokens");
    expect(result.stdout).toMatch(/recommended: gpt-oss-20b-q4_k_m .*needs 12\.\d GB/);
    expect(result.stdout).toContain("next model down: none that fits");
  });

  it("nothing fits: says so and points at the ways out", () => {
    const result = runCli(["models", "recommend"], undefined, free(4e9));
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/no gpt-oss fits in 4\.0 GB: .*--model toy/);
  });

  it("a bad override is one line naming the variable", () => {
    const result = runCli(["models", "recommend"], undefined, { OVERTONE_FREE_MEMORY_BYTES: "lots" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^overtone: OVERTONE_FREE_MEMORY_BYTES="lots" is not a whole number/);
  });
});

describe("fallback when the model does not fit", () => {
  it("fails by default with one line: the model, what it needs vs what is free, the next model down", () => {
    const result = runCli(["run", "--model", "gpt-oss-20b", "hi"], undefined, free(12.9e9));
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^overtone: gpt-oss-20b needs 13\.2 GB at a context of 16,384 tokens, 12\.9 GB is free; the next model down that fits is gpt-oss-20b-q4_k_m \(12\.7 GB\) \(run with --fallback/,
    );
  });

  it("--fallback (or OVERTONE_FALLBACK=1) says so on stderr and uses the next model down", () => {
    for (const [args, env] of [
      [["--fallback"], {}],
      [[], { OVERTONE_FALLBACK: "1" }],
    ] as const) {
      const result = runCli(["run", ...args, "hi"], undefined, { ...free(12.9e9), ...env });
      expect(result.stderr).toContain(
        "the next model down that fits is gpt-oss-20b-q4_k_m (12.7 GB): using gpt-oss-20b-q4_k_m (--fallback)",
      );
      // Offline with an empty cache: the model it went on to resolve is the fallback, not the one asked for.
      expect(result.stderr).toMatch(
        /model hf:unsloth\/gpt-oss-20b-GGUF\/gpt-oss-20b-Q4_K_M\.gguf is not in the cache/,
      );
      expect(result.status).toBe(1);
    }
  });

  it("no smaller gpt-oss fits: one line, and toy named as a way to try, never switched to", () => {
    const result = runCli(["run", "--fallback", "hi"], undefined, free(3e9));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^overtone: gpt-oss-20b needs 13\.2 GB .* 3\.0 GB is free, and no smaller gpt-oss fits \(.*--model toy/,
    );
  });

  it("a local gpt-oss GGUF is checked from its own header: its size and attention shape", async () => {
    const tiny = await tinyModelPath();
    const result = runCli(["run", "--model", tiny, "--fallback", "hi"], undefined, free(1e6));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^overtone: tiny-[0-9a-f-]+\.gguf needs 7\d\d MB at a context of 16,384 tokens, 1 MB is free, and no smaller gpt-oss fits/,
    );
  });

  it("toy is not held back", () => {
    const result = runCli(
      ["run", "--model", "toy", "--temperature", "0", "--threads", "1", "--max-tokens", "8", "hi"],
      undefined,
      // The cache the toy tests share, so the toy is unpacked once per machine.
      { ...free(1e6), OVERTONE_CACHE: join(TEST_MODEL_DIR, "toy-cache") },
    );
    expect(result.stderr).not.toMatch(/is free/);
  });
});
