/**
 * The model cache's index.json when it is damaged: a failed read is a ConfigError naming the file, the index is
 * never rewritten from it, listing goes on from the disk with a warning, and nothing is made or downloaded into the
 * cache while the index cannot record it. Only a missing index reads as empty.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@overtone/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkCacheIndex,
  listCachedModels,
  recordCachedModel,
} from "../../../packages/overtone/src/engine/models/cache-index.js";
import { resolveModel } from "../../../packages/overtone/src/engine/models/resolve-model.js";

let cacheDir: string;
let models: string;
let indexPath: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "overtone-index-"));
  models = join(cacheDir, "models");
  indexPath = join(models, "index.json");
  await mkdir(models, { recursive: true });
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

/** A downloaded file on disk and an index that recorded it, then got cut short (a full disk, a crash). */
async function damagedCache(): Promise<{ file: string; damaged: string }> {
  const file = join(models, "hf", "acme", "m", "main", "m.gguf");
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, "GGUF");
  await recordCachedModel(models, {
    ref: "hf:acme/m/m.gguf",
    path: file,
    source: "huggingface",
    sha256: "ab",
  });
  const whole = await readFile(indexPath, "utf8");
  const damaged = whole.slice(0, whole.length / 2);
  await writeFile(indexPath, damaged);
  return { file, damaged };
}

describe("a damaged cache index", () => {
  it("refuses a write, naming the file and the fix, and leaves the index byte for byte as it was", async () => {
    const { damaged } = await damagedCache();
    const other = join(models, "url", "host", "x", "other.gguf");
    const error = await recordCachedModel(models, {
      ref: "https://host/other.gguf",
      path: other,
      source: "url",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(indexPath);
    expect((error as ConfigError).message).toMatch(/not valid JSON/);
    expect((error as ConfigError).hint).toMatch(/move it aside/);
    expect((error as ConfigError).cause).toBeInstanceOf(SyntaxError);
    expect(await readFile(indexPath, "utf8")).toBe(damaged);
  });

  it("is reported by a listing, which without a handler throws and with one lists the files on disk", async () => {
    const { file } = await damagedCache();
    await expect(listCachedModels({ cacheDir })).rejects.toBeInstanceOf(ConfigError);
    const warnings: ConfigError[] = [];
    const listed = await listCachedModels({ cacheDir, onIndexError: (e) => warnings.push(e) });
    expect(listed).toEqual([
      expect.objectContaining({ ref: "hf:acme/m/m.gguf", path: file, complete: true }),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.where).toBe(indexPath);
  });

  it("stops resolveModel before it makes a model the index could not record", async () => {
    await writeFile(indexPath, "{ not json");
    await expect(resolveModel("tiny", { cacheDir })).rejects.toThrow(/not valid JSON/);
    expect(existsSync(join(models, "tiny"))).toBe(false);
    expect(await readFile(indexPath, "utf8")).toBe("{ not json");
  });

  it.each([
    [
      "a list of entries without their names",
      JSON.stringify({ version: 1, models: [{ sha256: "ab" }] }),
      /models\[0\]/,
    ],
    ["no models list", JSON.stringify({ version: 1 }), /no "models" list/],
    ["a newer version", JSON.stringify({ version: 2, models: [] }), /version 2/],
  ])("refuses %s", async (_name, text, pattern) => {
    await writeFile(indexPath, text);
    await expect(checkCacheIndex(models)).rejects.toThrow(pattern);
  });

  it("reports an index it cannot read (here a folder) as unreadable, not as empty", async () => {
    await mkdir(indexPath);
    const error = await checkCacheIndex(models).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/cannot be read/);
    expect((error as ConfigError).hint).toMatch(/permissions/);
  });
});

describe("a missing cache index", () => {
  it("reads as empty, and a record starts it, keeping keys it does not know when it is rewritten", async () => {
    await checkCacheIndex(models);
    const a = join(models, "tiny", "a.gguf");
    await recordCachedModel(models, { ref: "tiny", path: a, source: "tiny" });
    const written = JSON.parse(await readFile(indexPath, "utf8"));
    expect(written).toMatchObject({ version: 1, models: [{ file: "tiny/a.gguf", ref: "tiny" }] });
    await writeFile(indexPath, JSON.stringify({ ...written, note: "kept" }));
    await recordCachedModel(models, { ref: "toy", path: join(models, "toy", "b.gguf"), source: "toy" });
    const again = JSON.parse(await readFile(indexPath, "utf8"));
    expect(again.note).toBe("kept");
    expect(again.models.map((m: { file: string }) => m.file)).toEqual(["tiny/a.gguf", "toy/b.gguf"]);
  });
});
