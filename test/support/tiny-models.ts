/**
 * Tiny gpt-oss models for tests, made once per distinct options into `.cache/test-models/` (git-ignored) and
 * reused by later runs. A file's name carries a hash of its options and a hash of the code that makes it
 * (the makers and gguf packages, the bundled templates, harmony and the gpt-tokenizer version its vocabulary
 * ranks come from), so editing the maker makes new files and stale ones are pruned.
 *
 * Vitest runs test files in parallel processes that may ask for the same model at once: the first takes a lock
 * file (`open(…, "wx")` is atomic), makes the model (the writer renames a finished temp file into place, so a
 * reader never sees half a file), and the others wait for the file to appear. A lock left by a killed process
 * is taken over once it is older than STALE_LOCK_MS.
 */
import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, stat, unlink } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  makeTinyGptOss,
  makeTinyLlama,
  resolveTinyGptOssOptions,
  type TinyGptOssOptions,
} from "@overtone/makers";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TEST_MODEL_DIR = join(ROOT, ".cache", "test-models");

/** Folders and files whose content decides a model's bytes. */
const CODE_INPUTS = [
  "packages/makers/src",
  "packages/gguf/src",
  "packages/gguf/data/templates",
  "packages/harmony/src",
  "node_modules/gpt-tokenizer/package.json",
];
const STALE_LOCK_MS = 120_000;
const POLL_MS = 100;

let codeVersion: Promise<string> | undefined;

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const names = await readdir(path, { recursive: true });
  return names
    .filter((n) => !n.endsWith(".test.ts"))
    .map((n) => join(path, n))
    .sort();
}

/** A hash of the maker's code and data: changes whenever a model made by it could change. */
export function tinyModelCodeVersion(): Promise<string> {
  codeVersion ??= (async () => {
    const hash = createHash("sha256");
    for (const input of CODE_INPUTS) {
      for (const file of await filesUnder(join(ROOT, input))) {
        if (!(await stat(file)).isFile()) continue;
        hash
          .update(relative(ROOT, file))
          .update("\0")
          .update(await readFile(file))
          .update("\0");
      }
    }
    return hash.digest("hex").slice(0, 12);
  })();
  return codeVersion;
}

function optionsKey(options: TinyGptOssOptions): string {
  const resolved = resolveTinyGptOssOptions(options);
  const sorted = Object.fromEntries(Object.entries(resolved).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Remove models made by other code versions (nothing can ask for them again) and temp files of killed makes. */
async function pruneStale(version: string): Promise<void> {
  for (const name of await readdir(TEST_MODEL_DIR)) {
    const path = join(TEST_MODEL_DIR, name);
    const oldModel =
      name.startsWith("tiny-") && name.endsWith(".gguf") && !name.startsWith(`tiny-${version}-`);
    const oldTemp =
      name.endsWith(".tmp") &&
      (await stat(path).then(
        (s) => Date.now() - s.mtimeMs > STALE_LOCK_MS,
        () => false,
      ));
    if (oldModel || oldTemp) await unlink(path).catch(() => undefined);
  }
}

async function makeOnce(path: string, make: () => Promise<unknown>, version: string): Promise<void> {
  const lock = `${path}.lock`;
  for (;;) {
    if (await exists(path)) return;
    const handle = await open(lock, "wx").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "EEXIST") return undefined;
      throw e;
    });
    if (handle !== undefined) {
      try {
        // Another process may have finished between our check and taking the lock.
        if (!(await exists(path))) {
          await pruneStale(version);
          await make();
        }
        return;
      } finally {
        await handle.close();
        await unlink(lock).catch(() => undefined);
      }
    }
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
    else await sleep(POLL_MS);
  }
}

const inProcess = new Map<string, Promise<string>>();

/** Every weight F32 and every part of the graph away from neutral: for exact comparisons with the reference. */
export const TINY_PARITY_WEIGHTS = {
  expertsType: "f32",
  denseType: "f32",
  biasStd: 0.5,
  sinkStd: 1,
  normStd: 0.2,
  gateUpScale: 5,
  template: "none",
} as const satisfies TinyGptOssOptions;

/**
 * A tiny gpt-oss in F32 throughout, with biases, and inputs ≠ width on every residual writer (ff 96, attention
 * 4 × 24 = 96 against a width of 64): for checks that must see the axis an edit or a capture works on.
 */
export const TINY_F32_WRITERS = {
  expertsType: "f32",
  denseType: "f32",
  biasStd: 0.05,
  ff: 96,
  headDim: 24,
  seed: 7,
} as const satisfies TinyGptOssOptions;

/** Path of a tiny model with these options (defaults: see TINY_GPT_OSS_DEFAULTS), made on first use. */
export function tinyModelPath(options: TinyGptOssOptions = {}): Promise<string> {
  const key = optionsKey(options);
  let made = inProcess.get(key);
  if (made === undefined) {
    made = (async () => {
      await mkdir(TEST_MODEL_DIR, { recursive: true });
      const version = await tinyModelCodeVersion();
      const path = join(TEST_MODEL_DIR, `tiny-${version}-${key}.gguf`);
      await makeOnce(path, () => makeTinyGptOss({ ...options, out: path }), version);
      return path;
    })();
    made.catch(() => inProcess.delete(key));
    inProcess.set(key, made);
  }
  return made;
}

let tinyLlama: Promise<string> | undefined;

/** Path of the tiny Llama-architecture model (ChatML, random weights: makers' makeTinyLlama), made on first use. */
export function tinyLlamaModelPath(): Promise<string> {
  tinyLlama ??= (async () => {
    await mkdir(TEST_MODEL_DIR, { recursive: true });
    const version = await tinyModelCodeVersion();
    const path = join(TEST_MODEL_DIR, `tiny-${version}-llama.gguf`);
    await makeOnce(path, () => makeTinyLlama({ out: path }), version);
    return path;
  })();
  tinyLlama.catch(() => (tinyLlama = undefined));
  return tinyLlama;
}
