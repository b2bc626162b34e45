/**
 * What `--model X` can mean, parsed without touching the disk or the network. The resolver checks first whether
 * X names an existing file (a path that exists always wins), then asks this parser.
 *
 * Accepted forms:
 * - `tiny`: a tiny random gpt-oss made once into the cache (checks a setup without a 13 GB download).
 * - `toy`: the toy gpt-oss Overtone trained, which speaks Harmony (shipped in data/models/, unpacked once).
 * - an alias (`gpt-oss-20b`) or nothing: the default model, DEFAULT_MODEL_REF.
 * - `hf:owner/repo/path/file.gguf` or `owner/repo/path/file.gguf`: one file of a Hugging Face repo.
 * - `owner/repo:quant` (`ggml-org/gpt-oss-20b-GGUF:mxfp4`): the one GGUF in the repo whose name carries that
 *   quantization tag, found by listing the repo (one API call). `owner/repo` alone picks the repo's only GGUF.
 *   Either accepts `@revision` after the repo (`owner/repo@v1/file.gguf`); the default revision is `main`.
 * - `https://…` (or `http://…`) ending in `.gguf`: any URL.
 * - anything else that looks like a path (`/`, `./`, `../`, `~/`, or a bare `x.gguf`): a local file.
 */
import { InputError } from "@overtone/errors";
import { MODEL_REGISTRY } from "./registry.js";

/**
 * The default: OpenAI's gpt-oss-20b as published in GGUF by ggml-org (the llama.cpp maintainers), MXFP4 experts
 * as released, one file of about 12.1 GB. Source: https://huggingface.co/ggml-org/gpt-oss-20b-GGUF (the repo
 * llama.cpp's own docs use, `llama-server -hf ggml-org/gpt-oss-20b-GGUF`).
 */
export const DEFAULT_MODEL_REF = "hf:ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf";

/** Short names for well-known models: the registry's real gpt-oss entries (registry.ts) and `default`. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(MODEL_REGISTRY.filter((e) => e.real).map((e) => [e.name, e.ref])),
  "gpt-oss-20b": DEFAULT_MODEL_REF,
  default: DEFAULT_MODEL_REF,
};

export type ModelRef =
  | { kind: "tiny" }
  | { kind: "toy" }
  | { kind: "path"; path: string }
  | { kind: "url"; url: string }
  | { kind: "hf-file"; owner: string; repo: string; revision: string; file: string }
  | { kind: "hf-quant"; owner: string; repo: string; revision: string; quant: string | undefined };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const QUANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
/** llama.cpp's split naming; one shard alone does not load. */
export const SPLIT_GGUF = /-\d{5}-of-\d{5}\.gguf$/i;

/** `where` is how the user gave the reference (`--model`, `models pull`), so the message names what they typed. */
function bad(ref: string, where: string, why: string, hint: string, cause?: unknown): InputError {
  return new InputError(`${where} ${JSON.stringify(ref)}: ${why}`, { where, hint, cause });
}

const FORMS =
  "use tiny, toy, a local .gguf path, owner/repo/file.gguf, owner/repo:quant, or an https:// URL of a .gguf";

function parseHf(ref: string, body: string, where: string): ModelRef {
  const quantAt = body.indexOf(":");
  const head = quantAt === -1 ? body : body.slice(0, quantAt);
  const quant = quantAt === -1 ? undefined : body.slice(quantAt + 1);
  const [owner = "", repoPart = "", ...rest] = head.split("/");
  const [repo = "", revision = "main", ...extra] = repoPart.split("@");
  if (!NAME.test(owner) || !NAME.test(repo) || extra.length > 0 || !REVISION.test(revision)) {
    throw bad(ref, where, "not a Hugging Face owner/repo reference", FORMS);
  }
  if (rest.length === 0) {
    if (quant !== undefined && !QUANT.test(quant))
      throw bad(ref, where, `bad quantization tag "${quant}"`, FORMS);
    return { kind: "hf-quant", owner, repo, revision, quant };
  }
  if (quant !== undefined) throw bad(ref, where, "give either a file or a :quant, not both", FORMS);
  if (rest.some((s) => s === "" || s === "." || s === "..")) throw bad(ref, where, "bad file path", FORMS);
  const file = rest.join("/");
  if (!file.toLowerCase().endsWith(".gguf")) throw bad(ref, where, `"${file}" is not a .gguf file`, FORMS);
  if (SPLIT_GGUF.test(file)) {
    throw bad(
      ref,
      where,
      "multi-part (split) GGUFs are not supported yet",
      "pick a single-file quantization",
    );
  }
  return { kind: "hf-file", owner, repo, revision, file };
}

function looksLikePath(ref: string): boolean {
  return (
    ref.startsWith("/") ||
    ref.startsWith("./") ||
    ref.startsWith("../") ||
    ref.startsWith("~/") ||
    ref.startsWith(".\\") ||
    /^[A-Za-z]:[\\/]/.test(ref) ||
    ref.includes("\\")
  );
}

/**
 * Parses a `--model` value (undefined or empty means the default model). Throws `InputError` when malformed, naming
 * the reference as `where` gave it.
 */
export function parseModelRef(input: string | undefined, where = "--model"): ModelRef {
  const ref = (input ?? "").trim();
  if (ref === "") return parseModelRef(DEFAULT_MODEL_REF, where);
  if (ref === "tiny") return { kind: "tiny" };
  if (ref === "toy") return { kind: "toy" };
  const alias = MODEL_ALIASES[ref];
  if (alias !== undefined) return parseModelRef(alias, where);
  if (/^https?:\/\//i.test(ref)) {
    let url: URL;
    try {
      url = new URL(ref);
    } catch (error) {
      throw bad(ref, where, "not a valid URL", FORMS, error);
    }
    if (!url.pathname.toLowerCase().endsWith(".gguf")) {
      throw bad(ref, where, "the URL does not name a .gguf file", FORMS);
    }
    return { kind: "url", url: url.href };
  }
  if (ref.startsWith("hf:")) return parseHf(ref, ref.slice(3), where);
  if (looksLikePath(ref)) return { kind: "path", path: ref };
  const slashes = ref.split("/").length - 1;
  if (slashes === 0) {
    if (ref.toLowerCase().endsWith(".gguf")) return { kind: "path", path: ref };
    throw bad(ref, where, "not a file here, and not a known model name", FORMS);
  }
  if (slashes === 1 && !ref.includes(":") && ref.toLowerCase().endsWith(".gguf")) {
    // `dir/x.gguf` is a relative path, never an HF reference (which needs owner, repo and file).
    return { kind: "path", path: ref };
  }
  return parseHf(ref, ref, where);
}

/** The canonical text of a reference, as stored in the cache index and shown to users. */
export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case "tiny":
      return "tiny";
    case "toy":
      return "toy";
    case "path":
      return ref.path;
    case "url":
      return ref.url;
    case "hf-file":
      return `hf:${ref.owner}/${ref.repo}${ref.revision === "main" ? "" : `@${ref.revision}`}/${ref.file}`;
    case "hf-quant":
      return `hf:${ref.owner}/${ref.repo}${ref.revision === "main" ? "" : `@${ref.revision}`}${ref.quant === undefined ? "" : `:${ref.quant}`}`;
  }
}
