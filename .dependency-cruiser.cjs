/**
 * The layering of docs/architecture.md, checked by dependency-cruiser (`npm run lint:layers`, which runs
 * scripts/check-layers.ts: depcruise's own CLI refuses Node 20, its API does not). Arrows point down only:
 *
 *   overtone/src/cli  >  overtone/src entries (index, errors, harmony, gguf, gateway)  >  gateway  >  backends  >  engine  >  net
 *   >  @overtone/toy  >  makers  >  gguf  >  harmony  >  wasm, errors (leaves)
 *   overtone/src/cli  >  data (the DuckDB SQL sandbox)  >  harmony, errors
 *   overtone/src/cli  >  data-agent (`data ask|chat`)  >  agent, data, backends (and below)
 *   overtone/src/cli  >  bench (call records, `bench report`)  >  DuckDB, vega, harmony, errors (and below)
 *   overtone/src/cli  >  assist (`assist serve`)  >  agent, backends (and below)
 *
 * Paths are relative to the directory the check runs in (the repository root). Tests (`*.test.ts`, `test/`)
 * are exempt from the rules about npm packages and node:*, not from the layers or cycles. The "only
 * net/http.ts calls fetch" rule is not an import, so scripts/fetch-references.ts checks it beside this.
 */
const { readdirSync, readFileSync } = require("node:fs");
const { builtinModules } = require("node:module");
const { join } = require("node:path");

const TESTS = ["\\.test\\.ts$", "^test/"];
const SRC = "^packages/overtone/src/";

/** Every Node built-in, with and without `node:` (depcruise reports `node:fs` as `fs`). */
const NODE_BUILTINS = `^(node:)?(${builtinModules.map((m) => m.replace(/[/.]/g, "\\$&")).join("|")})$`;

/** A rule that forbids modules under `from` to import anything under the `to` paths. */
function layer(name, comment, from, to, fromNot = []) {
  return { name, comment, severity: "error", from: { path: from, pathNot: fromNot }, to: { path: to } };
}

/**
 * One rule per package: a workspace package imported from another one's src must be in its package.json
 * (tsconfig paths resolve `@overtone/*` to sources, so depcruise's npm checks never see these imports).
 */
function declaredWorkspaceDeps() {
  const dirs = readdirSync(join(__dirname, "packages"), { withFileTypes: true }).filter((d) =>
    d.isDirectory(),
  );
  const byName = new Map();
  for (const d of dirs) {
    const pkg = JSON.parse(readFileSync(join(__dirname, "packages", d.name, "package.json"), "utf8"));
    byName.set(pkg.name, { dir: d.name, pkg });
  }
  return [...byName.values()].map(({ dir, pkg }) => {
    const declared = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })
      .filter((name) => byName.has(name))
      .map((name) => byName.get(name).dir);
    return {
      name: "workspace-dep-not-in-package-json",
      comment:
        'A workspace package (@overtone/x) that the importing package\'s package.json does not list: add it to "dependencies".',
      severity: "error",
      from: { path: `^packages/${dir}/src/`, pathNot: TESTS },
      to: { path: "^packages/[^/]+/", pathNot: [`^packages/(${[dir, ...declared].join("|")})/`] },
    };
  });
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules import each other (a cycle): move the shared piece down to where both can import it.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "This import resolves to no file: a typo, a missing file, or a package that is not installed.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-cross-package-relative",
      comment: "A relative import into another package: import it by its name (@overtone/x) instead.",
      severity: "error",
      from: { path: "^packages/([^/]+)/" },
      to: { path: "^packages/", pathNot: "^packages/$1/", dependencyTypesNot: ["aliased"] },
    },
    layer(
      "src-not-to-repo-tools",
      "Package sources must not import the repository's test/, bench/ or scripts/ (they are not published).",
      "^packages/",
      "^(test|bench|scripts)/",
      TESTS,
    ),
    // The layers, top to bottom. Each rule lists what a layer must not import (everything above it).
    layer(
      "toy-only-from-cli",
      "@overtone/toy is an optional peer of Overtone: only cli/ imports it (and loads it lazily).",
      "^packages/overtone/",
      "^packages/toy/",
      [`${SRC}cli/`, ...TESTS],
    ),
    layer(
      "entries-not-to-cli",
      "The package entries (index, errors, harmony, gguf) sit below cli/ and must not import it.",
      `${SRC}[^/]+\\.ts$`,
      `${SRC}cli/`,
    ),
    layer(
      "gateway-not-upward",
      "gateway/ may import backends/, engine/, net/ and the packages below; not cli/ or the package entries.",
      `${SRC}gateway/`,
      [`${SRC}cli/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "backends-not-upward",
      "backends/ may import engine/, net/ and the packages below; not gateway/, cli/ or the package entries.",
      `${SRC}backends/`,
      [`${SRC}(gateway|cli)/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "engine-not-upward",
      "engine/ (with engine/models/) may import net/ and the packages below; not gateway/, backends/, cli/ or the entries.",
      `${SRC}engine/`,
      [`${SRC}(gateway|backends|cli)/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "data-layer",
      "data/ (the DuckDB sandbox) may import @duckdb/node-api, @overtone/harmony and @overtone/errors; not the rest of Overtone.",
      `${SRC}data/`,
      ["^packages/(?!overtone/src/data/|errors/|harmony/)"],
    ),
    layer(
      "data-not-from-below",
      "gateway/, backends/, engine/ and net/ sit beside or below data/ and must not import it (cli/ does).",
      `${SRC}(gateway|backends|engine|net)/`,
      `${SRC}data/`,
    ),
    layer(
      "data-agent-layer",
      "data-agent/ (the data agent) may import agent/, data/, backends/ and the packages below; not cli/, gateway/, engine/ or the package entries.",
      `${SRC}data-agent/`,
      [`${SRC}(cli|gateway|engine)/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "data-agent-only-from-cli",
      "Only cli/ imports data-agent/: the layers it builds on (agent, data, backends, …) must not reach up to it.",
      `${SRC}(?!cli/|data-agent/)`,
      `${SRC}data-agent/`,
    ),
    layer(
      "assist-layer",
      "assist/ (the assistant service) may import agent/, backends/ and the packages below; not cli/, gateway/, data/, data-agent/, engine/ or the package entries.",
      `${SRC}assist/`,
      [`${SRC}(cli|gateway|data|data-agent|engine)/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "assist-only-from-cli",
      "Only cli/ and bench-run/ (whose built-in suites grade the assistant's own prompts) import assist/: the layers it builds on must not reach up to it.",
      `${SRC}(?!cli/|assist/|bench-run/)`,
      `${SRC}assist/`,
    ),
    layer(
      "bench-layer",
      "bench/ (call records and reports) may import DuckDB, vega, harmony, errors and the layers below; not cli/, gateway/, data-agent/ or the package entries.",
      `${SRC}bench/`,
      [`${SRC}(cli|gateway|data-agent)/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "bench-run-layer",
      "bench-run/ (the ladder's runner: measured calls, suites) may import bench/, assist/, agent/, backends/ and the packages below; not cli/, gateway/, data-agent/ or the package entries.",
      `${SRC}bench-run/`,
      [`${SRC}(cli|gateway|data-agent)/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "bench-run-only-from-cli",
      "Only cli/ imports bench-run/ (`bench run`): the layers it builds on must not reach up to it.",
      `${SRC}(?!cli/|bench-run/)`,
      `${SRC}bench-run/`,
    ),
    layer(
      "doctor-layer",
      "doctor/ (`overtone doctor`'s probes) may import backends/, engine/, net/, the gateway's config types and the packages below; not cli/, the other features or the package entries.",
      `${SRC}doctor/`,
      [
        `${SRC}(cli|agent|assist|bench|bench-run|data|data-agent)/`,
        `${SRC}gateway/(?!config\\.ts$)`,
        `${SRC}[^/]+\\.ts$`,
      ],
    ),
    layer(
      "doctor-only-from-cli",
      "Only cli/ imports doctor/: the layers it diagnoses must not reach up to it.",
      `${SRC}(?!cli/|doctor/)`,
      `${SRC}doctor/`,
    ),
    layer(
      "surgery-layer",
      "surgery/ (directions, ablation on the GGUF) may import engine/, backends/ and the packages below; not cli/, the other features or the package entries.",
      `${SRC}surgery/`,
      [`${SRC}(cli|agent|assist|bench|bench-run|data|data-agent|doctor|gateway)/`, `${SRC}[^/]+\\.ts$`],
    ),
    layer(
      "surgery-only-from-cli",
      "Only cli/ imports surgery/: the layers it edits models with must not reach up to it.",
      `${SRC}(?!cli/|surgery/)`,
      `${SRC}surgery/`,
    ),
    layer(
      "yaml-imports-only-errors",
      "yaml/ (the config files' YAML parsing) sits under every reader of a config file: it may import @overtone/errors only.",
      `${SRC}yaml/`,
      ["^packages/(?!errors/|overtone/src/yaml/)"],
    ),
    layer(
      "net-imports-only-errors",
      "net/ is the bottom of Overtone: it may import @overtone/errors only.",
      `${SRC}net/`,
      ["^packages/(?!errors/|overtone/src/net/)"],
    ),
    layer(
      "packages-not-to-overtone",
      "Only @overtone/overtone itself imports its modules: every other package sits below it.",
      "^packages/(?!overtone/)",
      "^packages/overtone/",
    ),
    layer("toy-layer", "@overtone/toy may import makers, gguf, harmony, wasm and errors.", "^packages/toy/", [
      "^packages/(?!toy/|makers/|gguf/|harmony/|wasm/|errors/)",
    ]),
    layer("makers-layer", "@overtone/makers may import gguf, harmony and errors.", "^packages/makers/", [
      "^packages/(?!makers/|gguf/|harmony/|errors/)",
    ]),
    layer("gguf-layer", "@overtone/gguf may import wasm and errors only.", "^packages/gguf/", [
      "^packages/(?!gguf/|wasm/|errors/)",
    ]),
    layer(
      "harmony-layer",
      "@overtone/harmony may import errors only (and npm gpt-tokenizer).",
      "^packages/harmony/",
      ["^packages/(?!harmony/|errors/)"],
    ),
    {
      name: "leaves-import-nothing",
      comment: "@overtone/errors and @overtone/wasm are leaves every layer may use: they import nothing.",
      severity: "error",
      from: { path: "^packages/(errors|wasm)/", pathNot: TESTS },
      to: { pathNot: "^packages/$1/" },
    },
    {
      name: "native-only-in-engine",
      comment:
        "Only overtone/src/engine/ loads native code (node-llama-cpp, koffi); tests may use koffi as an oracle.",
      severity: "error",
      from: { pathNot: [`${SRC}engine/`, ...TESTS] },
      to: { path: "(^|/)node_modules/(node-llama-cpp|koffi|@node-llama-cpp/[^/]+)/" },
    },
    {
      name: "duckdb-only-in-data",
      comment:
        "Only overtone/src/data/ (the sandbox, whose lockdown lives there) and bench/ (reading its own run files) load DuckDB.",
      severity: "error",
      from: { pathNot: [`${SRC}data/`, `${SRC}bench/`, ...TESTS] },
      to: { path: "(^|/)node_modules/@duckdb/" },
    },
    {
      name: "harmony-browser-safe",
      comment: "@overtone/harmony must bundle for a browser: no node:* module.",
      severity: "error",
      from: { path: "^packages/harmony/src/", pathNot: TESTS },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "gguf-entry-browser-safe",
      comment:
        '@overtone/gguf "." must bundle for a browser: nothing it reaches may use node:* (files belong in "./node").',
      severity: "error",
      from: { path: "^packages/gguf/src/index\\.ts$" },
      to: { path: NODE_BUILTINS, reachable: true },
    },
    {
      name: "no-non-package-json",
      comment: "An npm package this package's package.json does not list in dependencies: add it there.",
      severity: "error",
      from: { path: "^packages/", pathNot: TESTS },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "not-to-dev-dep",
      comment: "Package sources must not import a devDependency (it is not installed with the package).",
      severity: "error",
      from: { path: "^packages/", pathNot: TESTS },
      to: { dependencyTypes: ["npm-dev"] },
    },
    ...declaredWorkspaceDeps(),
  ],
  options: {
    doNotFollow: { path: "(^|/)node_modules/" },
    // dist/ is build output (bin/overtone.js imports it); the sources are what is checked.
    exclude: { path: "(^|/)dist/" },
    // Type-only imports count: an upward `import type` couples the layers as much as a value import.
    tsPreCompilationDeps: true,
    // `@overtone/*` resolves through the root tsconfig's paths to each package's src.
    tsConfig: { fileName: "tsconfig.json" },
    // Each module is checked against its own package's package.json, not the root's devDependencies.
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
