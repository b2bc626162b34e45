/** `--model toy`: the shipped gzipped model is unpacked once into the cache, checked against its manifest. */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ConfigError } from "@overtone/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveModel } from "../../../packages/overtone/src/engine/models/index.js";
import {
  ensureToyModel,
  readToyManifest,
  TOY_MANIFEST,
} from "../../../packages/overtone/src/engine/models/toy-model.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-toy-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const model = Buffer.from(`GGUF${"toy weights ".repeat(5000)}`);

async function ship(manifest: Record<string, unknown> = {}): Promise<string> {
  const data = join(dir, "data");
  await rm(data, { recursive: true, force: true });
  await mkdir(data, { recursive: true });
  await writeFile(join(data, "toy.gguf.gz"), gzipSync(model));
  const sha256 = createHash("sha256").update(model).digest("hex");
  const full = { file: "toy.gguf.gz", sha256, bytes: model.length, seed: 1, command: "x", ...manifest };
  await writeFile(join(data, TOY_MANIFEST), JSON.stringify(full));
  return data;
}

describe("the toy model", () => {
  it("is unpacked once into the cache, byte-exact, then reused", async () => {
    const data = await ship();
    const cache = join(dir, "cache");
    const first = await resolveModel("toy", { cacheDir: cache, toyDataDir: data });
    expect(first).toMatchObject({ source: "toy", ref: "toy", cached: false, sizeBytes: model.length });
    expect((await readFile(first.path)).equals(model)).toBe(true);
    const again = await resolveModel("toy", { cacheDir: cache, toyDataDir: data });
    expect(again).toMatchObject({ path: first.path, cached: true });
  });

  it("refuses a shipped file that does not match its manifest, leaving nothing behind", async () => {
    const data = await ship({ sha256: "0".repeat(64) });
    const cache = join(dir, "cache");
    const error = await ensureToyModel(cache, { dataDir: data }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/manifest says/);
    expect(await readdir(join(cache, "toy"))).toEqual([]);
  });

  it("calls a corrupt manifest damaged, naming the file, with the JSON parser's error as cause", async () => {
    const data = await ship();
    await writeFile(join(data, TOY_MANIFEST), '{"file": "toy.gguf.gz", "sha256": ');
    const error = await readToyManifest(data).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(join(data, TOY_MANIFEST));
    expect((error as ConfigError).message).toMatch(/not valid JSON/);
    expect((error as ConfigError).hint).toMatch(/reinstall/);
    expect((error as ConfigError).cause).toBeInstanceOf(SyntaxError);
  });

  it("says how to train it when the install does not ship it", async () => {
    const error = await readToyManifest(join(dir, "nowhere")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toMatch(/gguf train-toy/);
  });
});
