/**
 * `--model tiny`: a tiny random gpt-oss (real architecture and vocabulary, seeded weights, ~65 MB) made once with
 * `makeTinyGptOss` into the cache and reused, so a user can check a whole setup — engine, Harmony, streaming —
 * without the 12 GB download and without a network. The file name carries a hash of the maker's options, so a
 * change of defaults makes a new file instead of reusing one made differently. The maker writes to a temp name
 * and renames, so concurrent first runs each produce a whole file and the last rename wins.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { makeTinyGptOss, TINY_GPT_OSS_DEFAULTS } from "@overtone/makers";
import { ensureMadeModel } from "./cache-index.js";

/** Bump when the maker changes in a way the options do not show, so caches stop reusing old files. */
const TINY_FORMAT = 1;

export function tinyModelPath(models: string): string {
  const key = createHash("sha256")
    .update(JSON.stringify({ format: TINY_FORMAT, ...TINY_GPT_OSS_DEFAULTS }))
    .digest("hex")
    .slice(0, 12);
  return join(models, "tiny", `tiny-gpt-oss-${key}.gguf`);
}

/** Path and size of the cached tiny model, made first if absent; `made` says whether this call made it. */
export async function ensureTinyModel(
  models: string,
): Promise<{ path: string; sizeBytes: number; made: boolean }> {
  const path = tinyModelPath(models);
  return ensureMadeModel(models, path, "tiny", () => makeTinyGptOss({ out: path }).then(() => undefined));
}
