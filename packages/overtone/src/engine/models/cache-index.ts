/**
 * What the model cache holds. `models/index.json` records, for each finished file, the reference it was asked as,
 * where it came from and its sha256 — facts a directory listing cannot give. The listing itself comes from the
 * disk, though: an entry whose file was deleted is dropped, and a GGUF that is there but missing from the index
 * (two processes raced on the index, or it was copied in by hand) is still listed. Partial downloads (`.part`)
 * are listed too, so `overtone models` can show what a retry would resume.
 *
 * A damaged index never costs an entry. Only a missing `index.json` reads as empty; one that cannot be read, is not
 * JSON, or does not hold version-1 entries is a `ConfigError` naming the file, what is wrong and the fix, and it is
 * never rewritten from such a read (nor are keys it does not know dropped when it is rewritten):
 * - listing (`overtone models`) with `onIndexError` still shows every file on disk, named from its place in the
 *   cache, and hands the error over as a warning; without `onIndexError` the listing throws it.
 * - what adds an entry (a download, making `tiny`, unpacking `toy`) calls `checkCacheIndex` first and so refuses
 *   before fetching or making anything: no model lands in the cache without its record (its verified sha256).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { ConfigError } from "@overtone/errors";
import { type Env, makeCacheFolder, modelsDir, writeCacheFile } from "./cache-dir.js";

export interface CachedModel {
  /** The reference that resolves to this file (`hf:owner/repo/file.gguf`, a URL, `tiny`). */
  ref: string;
  path: string;
  sizeBytes: number;
  /** `huggingface`, `url`, `tiny` or `toy`. */
  source: "huggingface" | "url" | "tiny" | "toy";
  /** Where it was downloaded from (not for `tiny`). */
  url?: string;
  /** Verified sha256, when known. */
  sha256?: string;
  /** ISO time it was added, when recorded. */
  addedAt?: string;
  /** False for a `.part` file: a download that stopped and will resume. */
  complete: boolean;
}

type IndexEntry = Omit<CachedModel, "path" | "sizeBytes" | "complete"> & { file: string };

const INDEX = "index.json";
const VERSION = 1;

interface IndexFile {
  entries: IndexEntry[];
  /** Top-level keys this version does not use, written back as they were. */
  rest: Record<string, unknown>;
}

function indexError(path: string, what: string, cause: unknown, unreadable = false): ConfigError {
  return new ConfigError(`the model cache index ${path} ${what}; it was left as it is`, {
    where: path,
    hint: unreadable
      ? "check its permissions (and that it is a file); the model files beside it are not affected"
      : `repair it by hand, or move it aside with mv "${path}" "${path}.bad": a new index is then started, every model file stays and is listed from its place in the cache, and only what the old index recorded (refs, sha256s) is not carried over`,
    cause,
  });
}

/** The index; empty when there is none yet, a ConfigError (see the module comment) when it cannot be used. */
async function readIndex(models: string): Promise<IndexFile> {
  const path = join(models, INDEX);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], rest: {} };
    throw indexError(path, `cannot be read (${(error as Error).message})`, error, true);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw indexError(path, `is not valid JSON (${(error as Error).message})`, error);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw indexError(path, "is not a JSON object", undefined);
  }
  const { models: entries, ...rest } = parsed as Record<string, unknown>;
  if (rest.version !== undefined && rest.version !== VERSION) {
    throw new ConfigError(
      `the model cache index ${path} is version ${JSON.stringify(rest.version)}; this Overtone reads version ${VERSION}`,
      {
        where: path,
        hint: "a newer Overtone wrote it: upgrade Overtone, or use another cache (OVERTONE_CACHE)",
      },
    );
  }
  if (!Array.isArray(entries)) throw indexError(path, 'has no "models" list', undefined);
  entries.forEach((entry: unknown, i) => {
    const e = entry as Partial<IndexEntry> | null;
    if (typeof e !== "object" || e === null || typeof e.file !== "string" || typeof e.ref !== "string") {
      throw indexError(path, `has a models[${i}] without a "file" and a "ref"`, undefined);
    }
  });
  return { entries: entries as IndexEntry[], rest };
}

/**
 * Throws the index's ConfigError when it cannot be used: called before a model is downloaded or made, so a
 * damaged index stops the command before the work rather than after it.
 */
export async function checkCacheIndex(models: string): Promise<void> {
  await readIndex(models);
}

const making = new Map<string, Promise<void>>();

/**
 * Path and size of a model Overtone makes itself (`tiny`, `toy`) at `path` in the cache, made by `make` first if
 * absent; `made` says whether this call made it. Concurrent calls in one process share one making; a damaged index
 * stops it before `make` runs, not after, and the new file is then recorded under `ref`.
 */
export async function ensureMadeModel(
  models: string,
  path: string,
  ref: "tiny" | "toy",
  make: () => Promise<void>,
): Promise<{ path: string; sizeBytes: number; made: boolean }> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isFile()) return { path, sizeBytes: existing.size, made: false };
  let pending = making.get(path);
  const first = pending === undefined;
  if (pending === undefined) {
    pending = (async () => {
      await checkCacheIndex(models);
      await makeCacheFolder(dirname(path));
      await make();
      await recordCachedModel(models, { ref, path, source: ref });
    })().finally(() => making.delete(path));
    making.set(path, pending);
  }
  await pending;
  return { path, sizeBytes: (await stat(path)).size, made: first };
}

/** Adds or replaces the entry for one file (the index is rewritten atomically). */
export async function recordCachedModel(
  models: string,
  entry: Omit<CachedModel, "sizeBytes" | "complete">,
): Promise<void> {
  await makeCacheFolder(models);
  const file = relative(models, entry.path).split(sep).join("/");
  const { path: _path, ...facts } = entry;
  // A read that fails throws here: the index is never rewritten from what could not be read.
  const index = await readIndex(models);
  const entries = index.entries.filter((e) => e.file !== file);
  entries.push({ ...facts, file, addedAt: entry.addedAt ?? new Date().toISOString() });
  await writeCacheFile(
    join(models, INDEX),
    `${JSON.stringify({ ...index.rest, version: VERSION, models: entries }, null, 2)}\n`,
  );
}

/** The reference a cached file answers to, from its place in the cache layout. */
function refFromLayout(file: string): Pick<CachedModel, "ref" | "source"> {
  const [top, owner, repo, revision, ...rest] = file.split("/");
  if (top === "hf" && rest.length > 0) {
    const at = revision === "main" ? "" : `@${revision}`;
    return { ref: `hf:${owner}/${repo}${at}/${rest.join("/")}`, source: "huggingface" };
  }
  if (top === "tiny") return { ref: "tiny", source: "tiny" };
  if (top === "toy") return { ref: "toy", source: "toy" };
  return { ref: file, source: "url" };
}

async function partUrl(metaPath: string): Promise<string | undefined> {
  try {
    const url = (JSON.parse(await readFile(metaPath, "utf8")) as { url?: unknown }).url;
    return typeof url === "string" ? url : undefined;
  } catch {
    return undefined;
  }
}

async function walk(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[]; // no cache yet
    throw new ConfigError(`cannot list the model cache ${dir}: ${error.message}`, {
      where: dir,
      hint: "check the permissions of the cache folder (OVERTONE_CACHE)",
      cause: error,
    });
  });
  return names.map((n) => n.split(sep).join("/"));
}

export interface ListCachedModelsOptions {
  cacheDir?: string;
  env?: Env;
  /**
   * Called with the index's ConfigError when it cannot be used; the listing then goes on from the disk alone
   * (refs from the cache layout, no sha256s). Without it the listing throws that error.
   */
  onIndexError?: (error: ConfigError) => void;
}

/** Every model file in the cache (complete ones first, by name), with what the index knows about each. */
export async function listCachedModels(options: ListCachedModelsOptions = {}): Promise<CachedModel[]> {
  const models = modelsDir(options.cacheDir, options.env);
  const entries = await readIndex(models).then(
    (index) => index.entries,
    (error: unknown) => {
      if (options.onIndexError === undefined || !(error instanceof ConfigError)) throw error;
      options.onIndexError(error);
      return [];
    },
  );
  const index = new Map(entries.map((e) => [e.file, e]));
  const found: CachedModel[] = [];
  for (const name of (await walk(models)).sort()) {
    const complete = name.endsWith(".gguf");
    if (!complete && !name.endsWith(".gguf.part")) continue;
    const path = join(models, ...name.split("/"));
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    const file = complete ? name : name.slice(0, -".part".length);
    const known = index.get(file);
    const base = known === undefined ? refFromLayout(file) : { ref: known.ref, source: known.source };
    // A part's URL is in the download's own record beside it (the index only learns of finished files).
    const url = known?.url ?? (complete ? undefined : await partUrl(`${path}.json`));
    if (base.source === "url" && url !== undefined) base.ref = url;
    found.push({
      ...base,
      path,
      sizeBytes: info.size,
      complete,
      ...(url === undefined ? {} : { url }),
      ...(complete && known?.sha256 !== undefined ? { sha256: known.sha256 } : {}),
      ...(complete && known?.addedAt !== undefined ? { addedAt: known.addedAt } : {}),
    });
  }
  return found.sort((a, b) => Number(b.complete) - Number(a.complete));
}
