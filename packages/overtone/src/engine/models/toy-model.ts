/**
 * `--model toy`: the toy gpt-oss Overtone trains itself (src/toy), which really speaks Harmony — reasoning apart
 * from the answer, effort that changes the analysis length, tool calls — so a whole setup can be seen to work
 * offline. Training takes ~20 minutes on 2 cores, so the trained file ships in `data/models/`, gzipped (its
 * 200k unused vocabulary rows are all alike: 118 MB become ~6 MB), beside a manifest with its sha256 and the
 * command that reproduces it from the seed. First use unpacks it into the cache, checked against the sha256.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { ConfigError } from "@overtone/errors";
import { ensureMadeModel } from "./cache-index.js";

/** `src/engine/models/` and `dist/engine/models/` both sit three levels below the package root. */
export const TOY_DATA_DIR = fileURLToPath(new URL("../../../data/models/", import.meta.url));
export const TOY_MANIFEST = "toy-gpt-oss.json";

export interface ToyManifest {
  /** The gzipped GGUF beside the manifest. */
  file: string;
  /** sha256 and size of the unpacked GGUF. */
  sha256: string;
  bytes: number;
  seed: number;
  /** How to make the same bytes again. */
  command: string;
}

export interface ToyModelOptions {
  /** Where the manifest and the gzipped model are (default: the package's data/models/). */
  dataDir?: string;
}

export async function readToyManifest(dataDir = TOY_DATA_DIR): Promise<ToyManifest> {
  const where = join(dataDir, TOY_MANIFEST);
  const text = await readFile(where, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined; // not shipped: said below
    throw new ConfigError(`the toy model's manifest ${where} cannot be read: ${error.message}`, {
      where,
      hint: "check its permissions, or reinstall overtone",
      cause: error,
    });
  });
  let manifest: Partial<ToyManifest> | undefined;
  try {
    manifest = text === undefined ? undefined : (JSON.parse(text) as Partial<ToyManifest>);
  } catch (error) {
    throw new ConfigError(`the toy model's manifest ${where} is damaged: not valid JSON`, {
      where,
      hint: "the install is damaged: reinstall overtone, or train the model with `overtone gguf train-toy`",
      cause: error,
    });
  }
  if (
    typeof manifest?.file !== "string" ||
    typeof manifest.sha256 !== "string" ||
    typeof manifest.bytes !== "number"
  ) {
    throw new ConfigError(`the toy model is not in this install (${where} is missing or incomplete)`, {
      where,
      hint: "train it with `overtone gguf train-toy --out toy.gguf` (about 20 minutes) and run with --model toy.gguf",
    });
  }
  return manifest as ToyManifest;
}

/** Where the unpacked toy model lives in the cache: named by its hash, so a new release never reuses an old one. */
export function toyModelPath(models: string, manifest: ToyManifest): string {
  return join(models, "toy", `toy-gpt-oss-${manifest.sha256.slice(0, 12)}.gguf`);
}

/** Gunzip `from` into `to` through a temp file, hashing on the way; the rename happens only for a match. */
async function unpack(from: string, to: string, manifest: ToyManifest): Promise<void> {
  const temp = `${to}.${process.pid}.tmp`;
  const hash = createHash("sha256");
  let bytes = 0;
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(from), createGunzip(), tee, createWriteStream(temp, { flags: "wx" }));
    const sha256 = hash.digest("hex");
    if (sha256 !== manifest.sha256 || bytes !== manifest.bytes) {
      throw new ConfigError(
        `${from} unpacks to ${bytes} bytes with sha256 ${sha256}, but the manifest says ${manifest.bytes} bytes, ${manifest.sha256}`,
        {
          where: from,
          hint: "the install is damaged: reinstall overtone, or train the model with `overtone gguf train-toy`",
        },
      );
    }
    await rename(temp, to);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`could not unpack the toy model from ${from}: ${(error as Error).message}`, {
      where: from,
      hint: "check the disk space and permissions of the model cache (OVERTONE_CACHE)",
      cause: error,
    });
  }
}

/** Path and size of the cached toy model, unpacked first if absent; `made` says whether this call unpacked it. */
export async function ensureToyModel(
  models: string,
  options: ToyModelOptions = {},
): Promise<{ path: string; sizeBytes: number; made: boolean }> {
  const dataDir = options.dataDir ?? TOY_DATA_DIR;
  const manifest = await readToyManifest(dataDir);
  const path = toyModelPath(models, manifest);
  return ensureMadeModel(models, path, "toy", () => unpack(join(dataDir, manifest.file), path, manifest));
}
