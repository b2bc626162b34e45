/**
 * Hugging Face specifics: where a file lives (`<endpoint>/<owner>/<repo>/resolve/<revision>/<file>`), the token
 * (`HF_TOKEN`, sent as a bearer token to the Hub only), picking a GGUF by quantization tag from the repo's file
 * list, and turning the Hub's refusals into errors that say what to do. `HF_ENDPOINT` moves the Hub (mirrors, and
 * the tests' local server), as in Hugging Face's own tools.
 */

import { BackendError, ConfigError } from "@overtone/errors";
import { httpJson } from "../../net/http.js";
import type { Env } from "./cache-dir.js";
import { type ModelRef, SPLIT_GGUF } from "./model-ref.js";

export type HfFileRef = Extract<ModelRef, { kind: "hf-file" }>;
export type HfQuantRef = Extract<ModelRef, { kind: "hf-quant" }>;

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

export function hfEndpoint(env: Env = process.env): string {
  return (env.HF_ENDPOINT?.trim() || DEFAULT_HF_ENDPOINT).replace(/\/+$/, "");
}

/** The user's Hub token: `HF_TOKEN`, or the older `HUGGING_FACE_HUB_TOKEN`. */
export function hfToken(env: Env = process.env): string | undefined {
  return env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim() || undefined;
}

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

export function hfFileUrl(endpoint: string, ref: HfFileRef): string {
  return `${endpoint}/${ref.owner}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${encodePath(ref.file)}`;
}

export function hfRepoPage(endpoint: string, ref: { owner: string; repo: string }): string {
  return `${endpoint}/${ref.owner}/${ref.repo}`;
}

/** Headers for a request to `url`: the bearer token only when it goes to the Hub itself. */
export function hfHeaders(url: string, endpoint: string, token: string | undefined): Record<string, string> {
  if (token === undefined || new URL(url).origin !== new URL(endpoint).origin) return {};
  return { authorization: `Bearer ${token}` };
}

/**
 * The GGUF among `files` that carries quantization `quant` (`mxfp4` matches `gpt-oss-20b-mxfp4.gguf`, `Q4_K_M`
 * matches `model-Q4_K_M.gguf`, case-insensitive, as a whole `-`/`_`/`.`-separated tag); with no quant, the only
 * GGUF. Projector files (`mmproj`) and split shards are never picked. Returns the file or an explanation.
 */
export function pickGguf(
  files: readonly string[],
  quant: string | undefined,
): { file: string } | { why: string } {
  const ggufs = files.filter((f) => f.toLowerCase().endsWith(".gguf") && !/mmproj/i.test(f));
  const whole = ggufs.filter((f) => !SPLIT_GGUF.test(f));
  const names = whole.map((f) => f.slice(f.lastIndexOf("/") + 1)).join(", ") || "none";
  if (quant === undefined) {
    const [only] = whole;
    if (whole.length === 1 && only !== undefined) return { file: only };
    return { why: `${whole.length === 0 ? "no single-file GGUF" : "several GGUFs"} (${names}); name one` };
  }
  const tag = quant.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const stem = (f: string) => f.slice(f.lastIndexOf("/") + 1, -".gguf".length).toLowerCase();
  const endsWith = new RegExp(`(^|[-_.])${tag}$`);
  const inside = new RegExp(`(^|[-_.])${tag}([-_.]|$)`);
  const exact = whole.filter((f) => endsWith.test(stem(f)));
  const loose = exact.length > 0 ? exact : whole.filter((f) => inside.test(stem(f)));
  const [first] = loose;
  if (loose.length === 1 && first !== undefined) return { file: first };
  if (loose.length === 0) {
    const split = ggufs.some(
      (f) => SPLIT_GGUF.test(f) && inside.test(stem(f).replace(/-\d{5}-of-\d{5}$/, "")),
    );
    return {
      why: split
        ? `quantization "${quant}" exists only as a multi-part GGUF, which is not supported yet`
        : `no GGUF with quantization "${quant}" (files: ${names})`,
    };
  }
  return { why: `quantization "${quant}" matches several files (${loose.join(", ")}); name one` };
}

interface TreeEntry {
  type?: string;
  path?: string;
  size?: number;
  lfs?: { oid?: string; size?: number };
}

export interface HfListedFile {
  path: string;
  size: number | undefined;
  sha256: string | undefined;
}

/** The repo's files at a revision (one API call), with the LFS sha256 and size of each large file. */
export async function listHfFiles(
  endpoint: string,
  ref: { owner: string; repo: string; revision: string },
  options: { token?: string; fetch?: typeof fetch; signal?: AbortSignal },
): Promise<HfListedFile[]> {
  const url = `${endpoint}/api/models/${ref.owner}/${ref.repo}/tree/${encodeURIComponent(ref.revision)}?recursive=true`;
  const entries = await httpJson<TreeEntry[]>(url, {
    headers: hfHeaders(url, endpoint, options.token),
    fetch: options.fetch,
    signal: options.signal,
  });
  if (!Array.isArray(entries)) {
    throw new BackendError(`${url} did not answer with a file list`, { url, retryable: false });
  }
  return entries
    .filter((e) => e.type === "file" && typeof e.path === "string")
    .map((e) => ({ path: e.path as string, size: e.lfs?.size ?? e.size, sha256: e.lfs?.oid }));
}

/**
 * A Hub refusal as the error a user can act on: 401/403 (gated, private, or — for anonymous requests — missing)
 * and 404 become `ConfigError`s naming the fix; anything else is returned unchanged. With `hub: false` (a plain
 * URL) the advice is about that server, not about Hugging Face tokens.
 */
export function explainHubError(
  error: unknown,
  what: string,
  context: { page: string; tokenSent: boolean; hub: boolean },
): unknown {
  if (!(error instanceof BackendError) || error.status === undefined) return error;
  if (!context.hub && (error.status === 401 || error.status === 403 || error.status === 404)) {
    return new ConfigError(`${what}: the server answered ${error.status}`, {
      where: error.url,
      cause: error,
      hint:
        error.status === 404
          ? "check the URL"
          : "the server wants credentials Overtone does not send; download the file yourself and pass its path",
    });
  }
  if (error.status === 401 || error.status === 403) {
    return new ConfigError(
      `${what}: access refused (${error.status}); the repo is gated, private or does not exist`,
      {
        where: error.url,
        cause: error,
        hint: context.tokenSent
          ? `HF_TOKEN was sent but refused: check it has read access and that you accepted the licence at ${context.page}`
          : `if it exists, accept its licence at ${context.page} and set HF_TOKEN to a read token (https://huggingface.co/settings/tokens)`,
      },
    );
  }
  if (error.status === 404) {
    return new ConfigError(`${what}: not found (404)`, {
      where: error.url,
      cause: error,
      hint: `check the owner, repo, revision and file name; the files are listed at ${context.page}/tree/main`,
    });
  }
  return error;
}
