/**
 * The entry points the API report covers: every `exports` key of every workspace package, read from the
 * package.json files themselves, so an entry added or removed there is reported without touching this script.
 * Each key's `types` file under the package's outDir (dist/) maps back to its source under rootDir (src/), which
 * is what the report is generated from (see declarations.ts for why sources rather than dist/).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

export interface Entry {
  /** The package's name, e.g. `@overtone/gguf`. */
  readonly packageName: string;
  /** The package's folder, relative to the root, e.g. `packages/gguf`. */
  readonly packageDir: string;
  /** The `exports` key, e.g. `.` or `./node`. */
  readonly key: string;
  /** The specifier a consumer imports, e.g. `@overtone/gguf/node`. */
  readonly specifier: string;
  /** The entry's source file, absolute. */
  readonly source: string;
  /** The report file, relative to the root, e.g. `packages/gguf/api/node.api.md`. */
  readonly report: string;
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  exports?: Record<string, string | { types?: string }>;
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
}

/** `.` → `index`, `./node` → `node`, `./a/b` → `a-b`: one flat file per entry in the package's api/ folder. */
function reportName(key: string): string {
  const bare = key.replace(/^\.\/?/, "");
  return bare === "" ? "index" : bare.replaceAll("/", "-");
}

/** The package tsconfig's outDir and rootDir (relative to the package), dist/ and src/ when unset. */
function buildDirs(packageDir: string): { outDir: string; rootDir: string } {
  const tsconfig = join(packageDir, "tsconfig.json");
  const options = existsSync(tsconfig)
    ? ((ts.readConfigFile(tsconfig, ts.sys.readFile).config?.compilerOptions ?? {}) as Record<string, string>)
    : {};
  const clean = (dir: string) => dir.replace(/^\.\//, "").replace(/\/$/, "");
  return { outDir: clean(options.outDir ?? "dist"), rootDir: clean(options.rootDir ?? "src") };
}

/** Every entry point of every workspace package listed in `<root>/package.json`, in a stable order. */
export function workspaceEntries(root: string): Entry[] {
  const workspaces = readJson(join(root, "package.json")).workspaces ?? [];
  const entries: Entry[] = [];
  for (const workspace of workspaces) {
    const packageDir = join(root, workspace);
    const manifest = readJson(join(packageDir, "package.json"));
    const { outDir, rootDir } = buildDirs(packageDir);
    for (const [key, target] of Object.entries(manifest.exports ?? {})) {
      const types = typeof target === "string" ? undefined : target.types;
      if (types === undefined) {
        throw new Error(
          `${workspace}/package.json: exports["${key}"] has no "types" condition; give it one (./${outDir}/….d.ts) so the entry has a declared API`,
        );
      }
      const built = types.replace(/^\.\//, "");
      if (!built.startsWith(`${outDir}/`) || !built.endsWith(".d.ts")) {
        throw new Error(
          `${workspace}/package.json: exports["${key}"].types is ${types}; the report expects a .d.ts under ./${outDir}/`,
        );
      }
      const source = join(packageDir, rootDir, `${built.slice(outDir.length + 1, -".d.ts".length)}.ts`);
      if (!existsSync(source)) {
        throw new Error(
          `${workspace}/package.json: exports["${key}"] builds from ${source}, which does not exist`,
        );
      }
      entries.push({
        packageName: manifest.name ?? workspace,
        packageDir: relative(root, packageDir),
        key,
        specifier: key === "." ? (manifest.name ?? workspace) : `${manifest.name}/${key.slice(2)}`,
        source,
        report: join(relative(root, packageDir), "api", `${reportName(key)}.api.md`),
      });
    }
  }
  return entries;
}
