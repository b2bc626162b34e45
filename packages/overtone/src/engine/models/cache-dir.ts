/**
 * Where downloaded and generated models live: `$OVERTONE_CACHE`, else `$XDG_CACHE_HOME/overtone`, else
 * `~/.cache/overtone`, with models under `models/`. Layout below it, one folder per source so that two files of
 * the same name from different places never collide:
 *
 *   models/hf/<owner>/<repo>/<revision>/<file>      Hugging Face files
 *   models/url/<host>/<hash of URL>/<file name>     any other URL
 *   models/tiny/tiny-gpt-oss-<options hash>.gguf    the generated tiny model
 *   models/index.json                               what is there (see cache-index.ts)
 *
 * A download in progress is `<file>.part` plus `<file>.part.json` (what it is a part of) beside the target.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, isAbsolute, join, resolve } from "node:path";
import { ConfigError, fileSystemError, isOvertoneError } from "@overtone/errors";
import type { ModelRef } from "./model-ref.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The Overtone cache root for this environment. */
export function defaultCacheDir(env: Env = process.env): string {
  const own = env.OVERTONE_CACHE?.trim();
  if (own) return resolve(own);
  const xdg = env.XDG_CACHE_HOME?.trim();
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, "overtone");
  return join(homedir(), ".cache", "overtone");
}

/**
 * Creates a folder of the cache (and its parents). One that cannot be created (a read-only disk, no permission, a
 * file in the way) says so with the path and where the cache is chosen, instead of a bare EACCES.
 */
export async function makeCacheFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    const mapped = fileSystemError(error, dir, "write");
    if (!isOvertoneError(mapped)) throw error;
    throw new ConfigError(mapped.message, {
      where: "OVERTONE_CACHE",
      hint: `${mapped.hint}; the cache is $OVERTONE_CACHE, else ~/.cache/overtone`,
      cause: error,
    });
  });
}

/**
 * Writes a cache file through a temporary name and a rename, so a reader (or a crash) never meets half a file; the
 * temporary file is removed when either step fails.
 */
export async function writeCacheFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The models folder under a cache root (the caller's `cacheDir` or the default). */
export function modelsDir(cacheDir?: string, env: Env = process.env): string {
  return join(cacheDir === undefined ? defaultCacheDir(env) : resolve(cacheDir), "models");
}

function safeSegment(segment: string, what: string): string {
  if (segment === "" || segment === "." || segment === ".." || /[\\/\0]/.test(segment)) {
    throw new ConfigError(`cannot store a model under ${what} "${segment}"`, {
      where: "model cache",
      hint: "use a reference whose names contain no path separators",
    });
  }
  return segment;
}

/** Where a remote model is stored once downloaded (`hf-quant` must be resolved to `hf-file` first). */
export function cachedModelPath(models: string, ref: ModelRef): string {
  switch (ref.kind) {
    case "hf-file":
      return join(
        models,
        "hf",
        safeSegment(ref.owner, "owner"),
        safeSegment(ref.repo, "repo"),
        safeSegment(ref.revision, "revision"),
        ...ref.file.split("/").map((s) => safeSegment(s, "file")),
      );
    case "url": {
      const url = new URL(ref.url);
      const hash = createHash("sha256").update(ref.url).digest("hex").slice(0, 12);
      const name = decodeURIComponent(basename(url.pathname)) || "model.gguf";
      return join(
        models,
        "url",
        safeSegment(url.host.replace(":", "_"), "host"),
        hash,
        safeSegment(name, "file"),
      );
    }
    default:
      throw new Error(`no cache path for a ${ref.kind} reference`);
  }
}
