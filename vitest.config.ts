import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Tests run on the packages' sources: `@overtone/x` resolves to packages/x/src, through the same `paths` the
 * type-check uses (tsconfig.json), so a test and the code under test share one copy of every module.
 */
const paths: Record<string, [string]> = JSON.parse(readFileSync("tsconfig.json", "utf8")).compilerOptions
  .paths;
const alias = Object.entries(paths)
  .sort(([a], [b]) => b.length - a.length)
  .map(([name, [target]]) => ({
    find: new RegExp(`^${name.replace(/[/.]/g, "\\$&")}$`),
    replacement: fileURLToPath(new URL(target, import.meta.url)),
  }));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    // Two cores: forks keep native modules (llama.cpp) isolated per file.
    pool: "forks",
  },
});
