/**
 * `resolveModel`: turns `--model X` into a GGUF on disk. A local file is used as it is; `tiny` is made once into
 * the cache; a Hugging Face or URL reference is served from the cache when there, downloaded otherwise (resumable,
 * checksummed: download.ts). A cached file is used without asking the network, so everything that was downloaded
 * once works offline; a `main`-revision file is not re-checked for updates (pin `@revision` for reproducibility,
 * delete the cached file to refresh). When a download is needed and the network is not there — known only by
 * trying: a refused or unresolvable connection — the error is one line naming what works instead.
 */
import { existsSync } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { ConfigError } from "@overtone/errors";
import { isUnreachable } from "../../net/http.js";
import { cachedModelPath, type Env, modelsDir } from "./cache-dir.js";
import { checkCacheIndex, recordCachedModel } from "./cache-index.js";
import { type DownloadOptions, downloadFile } from "./download.js";
import {
  explainHubError,
  type HfFileRef,
  type HfQuantRef,
  hfEndpoint,
  hfFileUrl,
  hfHeaders,
  hfRepoPage,
  hfToken,
  listHfFiles,
  pickGguf,
} from "./hugging-face.js";
import { formatModelRef, MODEL_ALIASES, type ModelRef, parseModelRef } from "./model-ref.js";
import type { ProgressCallback } from "./progress.js";
import { ensureTinyModel } from "./tiny-model.js";
import { ensureToyModel } from "./toy-model.js";

export interface ResolveModelOptions {
  /** Cache root (default: $OVERTONE_CACHE, $XDG_CACHE_HOME/overtone, ~/.cache/overtone). */
  cacheDir?: string;
  /** Never touch the network (default: true when OVERTONE_OFFLINE or HF_HUB_OFFLINE is 1). */
  offline?: boolean;
  /**
   * How the user gave the reference, named by errors (message and `where`): default `--model`; a command that
   * takes it as an argument says so (`models pull`).
   */
  where?: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Expected sha256 of the file to download; when given, it is checked instead of the one the server sends. */
  sha256?: string;
  /** Environment to read HF_TOKEN, HF_ENDPOINT and the cache variables from (default: process.env). */
  env?: Env;
  /** Where the shipped toy model is (default: the package's data/models/); for tests. */
  toyDataDir?: string;
  /** Retry and timeout tuning of the download. */
  download?: Pick<DownloadOptions, "retries" | "retryDelayMs" | "idleTimeoutMs" | "timeoutMs">;
}

export interface ResolvedModel {
  path: string;
  /** Where the file came from. */
  source: "local" | "tiny" | "toy" | "huggingface" | "url";
  /** The canonical reference (`hf:owner/repo/file.gguf`, a URL, `tiny`, or the absolute path). */
  ref: string;
  sizeBytes: number;
  /** True when nothing was downloaded or made by this call. */
  cached: boolean;
  url?: string;
  /** The verified sha256 of a file downloaded by this call. */
  sha256?: string;
}

/** The variables that turn offline mode on. */
const OFFLINE_VARIABLES = ["OVERTONE_OFFLINE", "HF_HUB_OFFLINE"] as const;

/** What errors need to say: the cache, how the reference was given, and the variables that made this offline. */
interface Context {
  models: string;
  where: string;
  offlineVariables: readonly string[];
}

/**
 * `toy` first: it is shipped, loads in seconds and really speaks Harmony (`tiny` is random weights: noise). The
 * last way out is retrying with the network; when a variable is what keeps it away, connecting would not help.
 */
function offlineError(ref: string, context: Context, unreachable?: string, cause?: unknown): ConfigError {
  const variables = context.offlineVariables;
  const set = variables.map((name) => `${name}=1`).join(", ");
  const reason = unreachable ?? (set ? `offline mode is on (${set})` : "offline mode is on");
  const retry = set ? `unset ${variables.join(" and ")} and retry` : "connect and retry";
  return new ConfigError(
    `model ${ref} is not in the cache and ${reason}: run with --model toy (the small gpt-oss shipped with Overtone), give a local .gguf path, or ${retry}`,
    {
      where: context.where,
      hint: `downloads are cached in ${context.models}; \`overtone models pull <model>\` while online makes a model work offline`,
      cause,
    },
  );
}

function reachError(ref: string, context: Context, url: string, error: unknown): unknown {
  if (!isUnreachable(error)) return error;
  const code = (error as { network?: string }).network;
  return offlineError(ref, context, `${new URL(url).host} cannot be reached (${code})`, error);
}

async function localModel(path: string, where: string): Promise<ResolvedModel> {
  const absolute = resolve(path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    // Only a path that is not there is "not found"; a permission error says so instead of hiding behind it.
    const missing = info.code === "ENOENT" || info.code === "ENOTDIR";
    throw new ConfigError(missing ? `model file not found: ${absolute}` : `${absolute}: ${info.message}`, {
      where,
      hint: missing
        ? "check the path, or use tiny, owner/repo/file.gguf, owner/repo:quant or an https:// URL"
        : "check the file's permissions",
      cause: info,
    });
  }
  if (!info.isFile()) throw new ConfigError(`${absolute} is not a file`, { where });
  const handle = await open(absolute, "r").catch((error: Error) => {
    throw new ConfigError(`${absolute}: cannot open the model: ${error.message}`, {
      where,
      hint: "check the file's permissions",
      cause: error,
    });
  });
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead < 4 || buffer.toString("latin1") !== "GGUF") {
      throw new ConfigError(`${absolute} is not a GGUF file (no GGUF magic at byte 0)`, {
        where,
        hint: "give a .gguf model file",
      });
    }
  } finally {
    await handle.close();
  }
  return { path: absolute, source: "local", ref: absolute, sizeBytes: info.size, cached: true };
}

/** A `:quant` reference already downloaded: chosen among the cached files of that repo and revision. */
async function cachedQuant(models: string, ref: HfQuantRef): Promise<HfFileRef | undefined> {
  const probe = cachedModelPath(models, { ...ref, kind: "hf-file", file: "x.gguf" });
  const dir = probe.slice(0, -"x.gguf".length);
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const picked = pickGguf(
    names.map((n) => n.split("\\").join("/")),
    ref.quant,
  );
  return "file" in picked ? { ...ref, kind: "hf-file", file: picked.file } : undefined;
}

export async function resolveModel(
  input: string | undefined,
  options: ResolveModelOptions = {},
): Promise<ResolvedModel> {
  const env = options.env ?? process.env;
  const models = modelsDir(options.cacheDir, env);
  const where = options.where ?? "--model";
  const offlineVariables =
    options.offline === undefined ? OFFLINE_VARIABLES.filter((name) => env[name] === "1") : [];
  const offline = options.offline ?? offlineVariables.length > 0;
  const context: Context = { models, where, offlineVariables };
  const text = (input ?? "").trim();
  const keyword =
    text === "tiny" || text === "toy" || text in MODEL_ALIASES || /^(hf:|https?:\/\/)/i.test(text);
  // A path that exists always wins over reading `a/b/c.gguf` as a Hugging Face reference.
  if (text !== "" && !keyword && existsSync(text)) return localModel(text, where);
  let ref: ModelRef = parseModelRef(input, where);
  if (ref.kind === "path") return localModel(ref.path, where);
  if (ref.kind === "tiny") {
    const tiny = await ensureTinyModel(models);
    return { path: tiny.path, source: "tiny", ref: "tiny", sizeBytes: tiny.sizeBytes, cached: !tiny.made };
  }
  if (ref.kind === "toy") {
    const toy = await ensureToyModel(
      models,
      options.toyDataDir !== undefined ? { dataDir: options.toyDataDir } : {},
    );
    return { path: toy.path, source: "toy", ref: "toy", sizeBytes: toy.sizeBytes, cached: !toy.made };
  }

  const endpoint = hfEndpoint(env);
  const token = hfToken(env);
  let expected = options.sha256;
  if (ref.kind === "hf-quant") {
    const asked = formatModelRef(ref);
    const cached = await cachedQuant(models, ref);
    if (cached !== undefined) ref = cached;
    else {
      if (offline) throw offlineError(asked, context);
      const page = hfRepoPage(endpoint, ref);
      const files = await listHfFiles(endpoint, ref, {
        token,
        fetch: options.fetch,
        signal: options.signal,
      }).catch((error: unknown) => {
        throw explainHubError(reachError(asked, context, endpoint, error), asked, {
          page,
          tokenSent: !!token,
          hub: true,
        });
      });
      const picked = pickGguf(
        files.map((f) => f.path),
        ref.quant,
      );
      if ("why" in picked) throw new ConfigError(`${asked}: ${picked.why}`, { where, hint: `see ${page}` });
      expected ??= files.find((f) => f.path === picked.file)?.sha256;
      ref = { ...ref, kind: "hf-file", file: picked.file };
    }
  }

  const url = ref.kind === "hf-file" ? hfFileUrl(endpoint, ref) : ref.url;
  const source = ref.kind === "hf-file" ? "huggingface" : "url";
  const canonical = formatModelRef(ref);
  const dest = cachedModelPath(models, ref);
  const existing = await stat(dest).catch(() => undefined);
  if (existing?.isFile())
    return { path: dest, source, ref: canonical, sizeBytes: existing.size, cached: true, url };
  if (offline) throw offlineError(canonical, context);

  const page = ref.kind === "hf-file" ? hfRepoPage(endpoint, ref) : url;
  const headers = hfHeaders(url, endpoint, token);
  // A damaged index stops the download before it starts: after it, its verified sha256 would have nowhere to go.
  await checkCacheIndex(models);
  const done = await downloadFile({
    url,
    dest,
    headers,
    ...(expected === undefined ? {} : { sha256: expected }),
    onProgress: options.onProgress,
    signal: options.signal,
    fetch: options.fetch,
    ...options.download,
  }).catch((error: unknown) => {
    throw explainHubError(reachError(canonical, context, url, error), canonical, {
      page,
      tokenSent: headers.authorization !== undefined,
      hub: source === "huggingface",
    });
  });
  await recordCachedModel(models, {
    ref: canonical,
    path: dest,
    source,
    url,
    ...(done.verified ? { sha256: done.sha256 } : {}),
  });
  return {
    path: dest,
    source,
    ref: canonical,
    sizeBytes: done.sizeBytes,
    cached: false,
    url,
    sha256: done.sha256,
  };
}
