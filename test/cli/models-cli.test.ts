/**
 * `overtone models` and `overtone models pull` as a user runs them, downloading from a local server that answers
 * like the Hugging Face Hub (HF_ENDPOINT points there), into a temporary cache.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FileServer, generatedBody, startFileServer } from "../engine/models/file-server.js";

const bin = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));
const cache = mkdtempSync(join(tmpdir(), "overtone-models-cli-"));
let server: FileServer;
const body = generatedBody(3 * 1024 * 1024);

beforeAll(async () => {
  server = await startFileServer({ body, listed: ["model.gguf"] });
});
afterAll(async () => {
  await server.close();
});

/** Async, unlike runCli: the file server lives in this process and must keep answering. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, OVERTONE_CACHE: cache, HF_ENDPOINT: server.origin, HF_TOKEN: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("overtone models", () => {
  it("says how to get a model when the cache is empty", async () => {
    const result = await cli(["models"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/no models cached yet: overtone models pull/);
  });

  it("pull downloads and verifies a model, then lists it; a second pull uses the cache", async () => {
    const pulled = await cli(["models", "pull", "hf:acme/tiny-GGUF/model.gguf"]);
    expect(pulled.stderr).not.toMatch(/overtone: /);
    expect(pulled.status).toBe(0);
    expect(pulled.stdout).toMatch(/hf:acme\/tiny-GGUF\/model\.gguf: downloaded, 3\.0 MiB at /);
    const path = pulled.stdout.trim().split(" at ").at(-1) as string;
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path).equals(body)).toBe(true);

    const listed = await cli(["models", "--json"]);
    const models = listed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(models).toEqual([
      expect.objectContaining({
        ref: "hf:acme/tiny-GGUF/model.gguf",
        sizeBytes: body.length,
        complete: true,
        sha256: server.sha256,
      }),
    ]);

    const again = await cli(["models", "pull", "hf:acme/tiny-GGUF/model.gguf"]);
    expect(again.stdout).toMatch(/already cached/);
  });

  it("models list is plain models, --json included", async () => {
    for (const args of [[], ["--json"]]) {
      const plain = await cli(["models", ...args]);
      const list = await cli(["models", "list", ...args]);
      expect(list.stderr).toBe("");
      expect(list.status).toBe(0);
      expect(list.stdout).toBe(plain.stdout);
    }
    expect((await cli(["models", "list", "--json"])).stdout).toMatch(/^\{"ref":/);
  });

  it("names a bad reference as typed for pull, not as a --model the user never gave", async () => {
    const result = await cli(["models", "pull", "nosuch-model"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^overtone: models pull "nosuch-model": not a file here, and not a known model name/,
    );
    expect(result.stderr).not.toMatch(/--model "/);
  });

  it("fails with one line for a model the server does not have", async () => {
    const result = await cli(["models", "pull", "hf:acme/missing-GGUF/nope.gguf"]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("with a damaged index, lists what is on disk with a warning and refuses to pull, changing nothing", async () => {
    const index = join(cache, "models", "index.json");
    writeFileSync(index, '{"version": 1, "models": [');
    const listed = await cli(["models", "--json"]);
    expect(listed.status).toBe(0);
    expect(listed.stderr).toMatch(
      /^overtone: warning: the model cache index .*index\.json is not valid JSON/,
    );
    expect(JSON.parse(listed.stdout.trim())).toMatchObject({
      ref: "hf:acme/tiny-GGUF/model.gguf",
      complete: true,
    });
    const pulled = await cli(["models", "pull", "hf:acme/other-GGUF/model.gguf"]);
    expect(pulled.status).toBe(1);
    expect(pulled.stderr).toMatch(
      /index\.json is not valid JSON \(.*\); it was left as it is \(.*move it aside/,
    );
    expect(readFileSync(index, "utf8")).toBe('{"version": 1, "models": [');
    expect(existsSync(join(cache, "models", "hf", "acme", "other-GGUF"))).toBe(false);
  });
});
