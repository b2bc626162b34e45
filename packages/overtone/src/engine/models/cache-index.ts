/**
 * What the model cache holds. `models/index.json` records, for each finished file, the reference it was asked as,
 * where it came from and its sha256 — facts a directory listing cannot give. The listing itself comes from the
 * disk, though: an entry whose file was deleted is dropped, and a GGUF that is there but missing from the index
 * (two processes raced on the index, or it was copied in by hand) is still listed. Partial downloads (`.part`)
 * are listed too, so `overtone models` can show what a retry would resume.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type Env, modelsDir } from "./cache-dir.js";

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

async function readIndex(models: string): Promise<IndexEntry[]> {
  try {
    const parsed = JSON.parse(await readFile(join(models, INDEX), "utf8")) as { models?: IndexEntry[] };
    return Array.isArray(parsed.models) ? parsed.models : [];
  } catch {
    return [];
  }
}

/** Adds or replaces the entry for one file (the index is rewritten atomically). */
export async function recordCachedModel(
  models: string,
  entry: Omit<CachedModel, "sizeBytes" | "complete">,
): Promise<void> {
  await mkdir(models, { recursive: true });
  const file = relative(models, entry.path).split(sep).join("/");
  const { path: _path, ...facts } = entry;
  const entries = (await readIndex(models)).filter((e) => e.file !== file);
  entries.push({ ...facts, file, addedAt: entry.addedAt ?? new Date().toISOString() });
  const temp = join(models, `${INDEX}.${randomBytes(6).toString("hex")}.tmp`);
  await writeFile(temp, `${JSON.stringify({ version: 1, models: entries }, null, 2)}\n`);
  await rename(temp, join(models, INDEX)).catch(async (error: unknown) => {
    await unlink(temp).catch(() => undefined);
    throw error;
  });
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
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.map((n) => n.split(sep).join("/"));
}

/** Every model file in the cache (complete ones first, by name), with what the index knows about each. */
export async function listCachedModels(
  options: { cacheDir?: string; env?: Env } = {},
): Promise<CachedModel[]> {
  const models = modelsDir(options.cacheDir, options.env);
  const index = new Map((await readIndex(models)).map((e) => [e.file, e]));
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
