/**
 * `npm run check:packages` (after `npm run build`): packs every workspace package as `npm publish` would and
 * checks the result three ways; exits 1 on any problem.
 *
 * - publint, strict (its warnings count as errors; its suggestions are printed but do not fail).
 * - @arethetypeswrong/cli with `--profile esm-only`: the packages are ESM only on purpose ("type": "module", no
 *   CommonJS build, Node ≥ 20; docs/packages.md), so the two resolutions that cannot load ESM by design are left
 *   out: `node10` (ignores `exports`, so no subpath such as `@overtone/gguf/node` can resolve there) and
 *   `node16` from CommonJS (a `require` of ESM). Everything else (node16 from ESM, bundler) must be clean.
 * - The file list: no tests, no .tsbuildinfo, and no build output without a source (tsc never deletes the output
 *   of a removed or renamed source file, and `files: ["dist"]` would publish it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
const out = mkdtempSync(join(tmpdir(), "check-packages-"));

/** `npm pack` of one package into `out`: the tarball's path and the files it holds. */
function pack(dir) {
  const result = spawnSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], {
    cwd: join(root, dir),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`npm pack in ${dir} failed:\n${result.stderr}`);
  const [info] = JSON.parse(result.stdout);
  return { tarball: join(out, info.filename), files: info.files.map((f) => f.path) };
}

/** The package tsconfig's outDir and rootDir, relative to the package (dist and src when unset). */
function buildDirs(dir) {
  const options = ts.readConfigFile(join(root, dir, "tsconfig.json"), ts.sys.readFile).config
    ?.compilerOptions;
  const clean = (d) => d.replace(/^\.\//, "").replace(/\/$/, "");
  return { outDir: clean(options?.outDir ?? "dist"), rootDir: clean(options?.rootDir ?? "src") };
}

/** Problems in the packed file list (see the header). */
function contentProblems(dir, files) {
  const { outDir, rootDir } = buildDirs(dir);
  const problems = [];
  if (!files.some((f) => f.startsWith(`${outDir}/`))) {
    problems.push(`nothing from ${outDir}/ is packed: run \`npm run build\` first`);
  }
  for (const file of files) {
    if (/\.test\.|\.spec\./.test(file)) problems.push(`${file}: a test is packed`);
    if (file.endsWith(".tsbuildinfo")) problems.push(`${file}: build state is packed`);
    const built = /^(.*)\.(d\.[cm]?ts|[cm]?js)(\.map)?$/.exec(file);
    if (file.startsWith(`${outDir}/`) && built?.[1] !== undefined) {
      const stem = join(root, dir, rootDir, built[1].slice(outDir.length + 1));
      if (![".ts", ".mts", ".cts", ".tsx"].some((ext) => existsSync(stem + ext))) {
        problems.push(
          `${file}: no source in ${rootDir}/ (stale output? delete ${dir}/${outDir} and rebuild)`,
        );
      }
    }
  }
  return problems;
}

async function publintProblems(dir) {
  // publint packs by itself: only then can it tell a file that exists but is not published from a missing one.
  const { messages, pkg } = await publint({
    pkgDir: join(root, dir),
    pack: "npm",
    level: "suggestion",
    strict: true,
  });
  for (const m of messages.filter((m) => m.type === "suggestion")) {
    console.log(`  publint suggestion: ${formatMessage(m, pkg, { color: false })}`);
  }
  return messages
    .filter((m) => m.type !== "suggestion")
    .map((m) => `publint ${m.type}: ${formatMessage(m, pkg, { color: false })}`);
}

function attwProblems(tarball) {
  const args = [
    "--no",
    "attw",
    tarball,
    "--profile",
    "esm-only",
    "--format",
    "ascii",
    "--no-emoji",
    "--no-color",
  ];
  const result = spawnSync("npx", args, { cwd: root, encoding: "utf8" });
  return result.status === 0 ? [] : [`attw (exit ${result.status}):\n${result.stdout}${result.stderr}`];
}

let failed = 0;
try {
  for (const dir of workspaces) {
    const { name } = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    const { tarball, files } = pack(dir);
    const problems = [
      ...contentProblems(dir, files),
      ...(await publintProblems(dir)),
      ...attwProblems(tarball),
    ];
    console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${name} (${files.length} files)`);
    for (const p of problems) console.log(`  ${p.replaceAll("\n", "\n  ")}`);
    if (problems.length > 0) failed++;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`${failed} package(s) would publish with problems (above).`);
  process.exit(1);
}
console.log("Every package packs clean: publint, attw (esm-only) and its file list.");
