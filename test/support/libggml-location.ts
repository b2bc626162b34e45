/**
 * Where the libggml-base library that node-llama-cpp ships lives on this platform: the oracle the GGUF reader,
 * writer and codecs are compared against (test/support/libggml.ts, libggml-gguf.ts). node-llama-cpp installs
 * one prebuilt package per platform, `@node-llama-cpp/<name>` with the library under `bins/<folder>/`; the
 * names below are the CPU builds its own loader picks (dist/bindings/utils/compileLLamaCpp.js).
 *
 * Where node-llama-cpp has a prebuilt binary the oracle must be there: a missing file fails the oracle tests
 * with the command that installs it. Only where it has none (another OS or CPU, musl) do they skip, and their
 * titles say why. OVERTONE_LIBGGML_DIR points at another build of the library instead.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const NODE_MODULES = fileURLToPath(new URL("../../node_modules/", import.meta.url));

/** `${process.platform}-${process.arch}` → node-llama-cpp's prebuilt CPU package (glibc on Linux). */
const PREBUILT: Readonly<Record<string, string>> = {
  "darwin-arm64": "mac-arm64-metal",
  "darwin-x64": "mac-x64",
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "linux-arm": "linux-armv7l",
  "linux-riscv64": "linux-riscv64",
  "win32-x64": "win-x64",
  "win32-arm64": "win-arm64",
};

const FILE =
  process.platform === "darwin"
    ? "libggml-base.dylib"
    : process.platform === "win32"
      ? "ggml-base.dll"
      : "libggml-base.so";

const platform = `${process.platform}-${process.arch}`;

function isMusl(): boolean {
  if (process.platform !== "linux") return false;
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report.header?.glibcVersionRuntime === undefined;
}

const musl = isMusl();
/** The prebuilt package for this platform, or undefined where node-llama-cpp has none. */
const packageName: string | undefined = musl ? undefined : PREBUILT[platform];

/**
 * Why this platform has no libggml oracle (node-llama-cpp ships no prebuilt binary for it), else undefined.
 * Oracle tests skip on this, and only on this.
 */
export const NO_LIBGGML: string | undefined =
  process.env.OVERTONE_LIBGGML_DIR !== undefined || packageName !== undefined
    ? undefined
    : `node-llama-cpp has no prebuilt libggml for ${platform}${musl ? " (musl)" : ""}; set OVERTONE_LIBGGML_DIR to a folder holding ${FILE} to run them`;

/** `title`, followed by why it is skipped when this platform has no oracle: the skip shows in the report. */
export function oracleTitle(title: string): string {
  return NO_LIBGGML === undefined ? title : `${title} (skipped: ${NO_LIBGGML})`;
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(NODE_MODULES, "node-llama-cpp", "package.json"), "utf8")) as {
    optionalDependencies?: Record<string, string>;
  };
  return manifest.optionalDependencies?.[`@node-llama-cpp/${name}`] ?? "<node-llama-cpp's version>";
}

/** The folder under the package's bins/ that holds the library (named after the build, e.g. linux-x64). */
function prebuiltDir(name: string): string {
  const bins = join(NODE_MODULES, "@node-llama-cpp", name, "bins");
  const folders = existsSync(bins) ? readdirSync(bins) : [];
  const holding = folders.find((folder) => existsSync(join(bins, folder, FILE)));
  return join(bins, holding ?? name);
}

/**
 * Full path of libggml-base. Throws, saying how to install it, when it is missing on a platform where
 * node-llama-cpp ships it (or where OVERTONE_LIBGGML_DIR points), and when the platform has no oracle at all.
 */
export function libggmlPath(): string {
  const override = process.env.OVERTONE_LIBGGML_DIR;
  if (override !== undefined) {
    const path = join(override, FILE);
    if (!existsSync(path)) throw new Error(`OVERTONE_LIBGGML_DIR is set but ${path} does not exist`);
    return path;
  }
  if (packageName === undefined) throw new Error(`no libggml oracle: ${NO_LIBGGML}`);
  const path = join(prebuiltDir(packageName), FILE);
  if (existsSync(path)) return path;
  const pkg = `@node-llama-cpp/${packageName}`;
  throw new Error(
    `libggml oracle missing: ${path} does not exist. node-llama-cpp ships it for ${platform} in ${pkg}; ` +
      `install it with \`npm install --no-save ${pkg}@${packageVersion(packageName)}\` ` +
      "(the repository's `npm ci` installs it on linux-x64), or set OVERTONE_LIBGGML_DIR to a folder holding " +
      FILE,
  );
}
