import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Tests run on the packages' sources: `@overtone/x` resolves to packages/x/src, through the same `paths` the
 * type-check uses (tsconfig.json), so a test and the code under test share one copy of every module.
 */
const paths: Record<string, [string]> = JSON.parse(readFileSync("tsconfig.json", "utf8")).compilerOptions
  .paths;
// Anchored: a string `find` also matches as a prefix, so `@overtone/gguf` would catch `@overtone/gguf/node`.
const alias = Object.entries(paths).map(([name, [target]]) => ({
  find: new RegExp(`^${name.replace(/[/.]/g, "\\$&")}$`),
  replacement: fileURLToPath(new URL(target, import.meta.url)),
}));

/**
 * Two tiers (CONTRIBUTING.md). "fast" (`npm test`) is every test file but these: unit tests and integration
 * tests on at most the tiny model, the check a contributor runs on every change. "full" (`npm run test:full`,
 * part of `npm run test:all` and CI) adds what costs minutes or needs more than the tiny model.
 */
const FULL_ONLY = [
  // A real llama-server, built from llama.cpp's source on first use (~10 minutes on 2 cores).
  "test/backends/cross-backend.test.ts",
  "test/backends/openai-compatible/llama-server.integration.test.ts",
  "test/gateway/clients-llama-server.test.ts",
  "test/gateway/replicas-llama-server.test.ts",
  "test/bench-run/timing-honesty.test.ts",
  "test/doctor/doctor-llama-server.test.ts",
  "test/doctor/doctor-toy-cli.test.ts",
  "test/surgery/control-vector.test.ts",
  "test/bench-run/ladder-llama-server.test.ts",
  // The trained toy model: its behaviour evaluation (100 prompts, and llama-server), the demo at T=1.
  "test/toy/toy-behaviour.test.ts",
  "test/toy/toy-run-cli.test.ts",
  // Training runs and the reference forward pass against llama.cpp over the whole vocabulary: ~15–35 s each.
  "test/toy/train-export.test.ts",
  "test/cli/gguf-train-toy-cli.test.ts",
  "test/toy/reference-forward-parity.test.ts",
  // The packed packages installed into an empty project (gpt-tokenizer from the registry), and the Harmony and
  // GGUF bundles run in headless Chromium (Debian's chromium package; .ci/run installs it).
  "test/packages/pack-install.test.ts",
  "test/packages/browser-bundle.test.ts",
  "test/bench/report-html.test.ts",
];

/**
 * Long fuzz and differential runs: the fast tier runs them with fewer cases (an explicit count in the
 * environment still wins), the full tier with their own defaults (100,000 streams, 1000–2000 cases). The gateway
 * soak reads the tier itself: 3 s in the fast tier, 60 s in the full one (OVERTONE_SOAK_SECONDS wins).
 */
const LONG_RUNS = [
  "test/harmony/fuzz.test.ts",
  "test/harmony/differential-parse.test.ts",
  "test/harmony/differential-render.test.ts",
  "test/gateway/soak.test.ts",
];

// A renamed file would drop out of its tier unnoticed (or land in the fast tier): the lists must name real files.
for (const file of [...FULL_ONLY, ...LONG_RUNS]) {
  if (!existsSync(new URL(file, import.meta.url)))
    throw new Error(`vitest.config.ts lists ${file}, which does not exist`);
}

/**
 * Loading a model remembers its measured thread count in the Overtone cache (engine/thread-memory.ts): tests keep
 * that, and anything else a library default would write, in the repository's git-ignored .cache, not the home
 * folder. A test that needs another cache passes its own.
 */
const OVERTONE_CACHE =
  process.env.OVERTONE_CACHE ?? fileURLToPath(new URL(".cache/test-overtone", import.meta.url));

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    // Two cores: forks keep native modules (llama.cpp) isolated per file.
    pool: "forks",
    // One test file per core. vitest's default keeps a core for its main process, which idles once the files
    // are collected: on 2 cores that ran one file at a time (fast tier 161 s; 93 s like this).
    maxWorkers: availableParallelism(),
    // globalSetup sits in each project, not at the root, where it would run once more besides theirs.
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          globalSetup: ["test/global-setup.ts"],
          include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...FULL_ONLY],
          env: {
            OVERTONE_TEST_TIER: "fast",
            OVERTONE_CACHE,
            HARMONY_FUZZ_STREAMS: process.env.HARMONY_FUZZ_STREAMS ?? "10000",
            HARMONY_PROPERTY_RUNS: process.env.HARMONY_PROPERTY_RUNS ?? "200",
          },
        },
      },
      {
        extends: true,
        test: {
          name: "full",
          globalSetup: ["test/global-setup.ts"],
          include: [...FULL_ONLY, ...LONG_RUNS],
          env: { OVERTONE_TEST_TIER: "full", OVERTONE_CACHE },
        },
      },
    ],
  },
});
