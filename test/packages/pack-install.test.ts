/**
 * SLOW (about 1–2 minutes: a build check, `npm pack`, two `npm install`s that fetch gpt-tokenizer from the
 * registry). What a user gets from npm: the packed @overtone/errors and @overtone/harmony tarballs install into
 * an empty project with nothing native or heavy, and render and parse a conversation there exactly as the
 * repository's sources do; then @overtone/gguf (with @overtone/wasm) installs beside them and decodes a Q8_0
 * tensor. The tarballs are packed from dist/, built here first so the test never packs a stale build.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as gguf from "../../packages/gguf/src/index.js";
import * as harmony from "../../packages/harmony/src/index.js";
import { ggufScenario, harmonyScenario } from "./scenarios.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MB = 1024 * 1024;
let dir: string;
let app: string;
const tarballs = new Map<string, string>();

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 240_000,
  });
}

/** Every package under node_modules (nested ones too): name → bytes on disk, and every file's path. */
function inventory(modules: string): { packages: Map<string, number>; files: string[] } {
  const packages = new Map<string, number>();
  const files: string[] = [];
  const walk = (path: string, owner: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full, owner);
      else if (entry.isFile()) {
        files.push(full);
        packages.set(owner, (packages.get(owner) ?? 0) + statSync(full).size);
      }
    }
  };
  const scan = (modulesDir: string): void => {
    for (const entry of readdirSync(modulesDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const names = entry.name.startsWith("@")
        ? readdirSync(join(modulesDir, entry.name)).map((n) => `${entry.name}/${n}`)
        : [entry.name];
      for (const name of names) {
        walk(join(modulesDir, name), name);
        const nested = join(modulesDir, name, "node_modules");
        if (files.some((f) => f.startsWith(`${nested}/`))) scan(nested);
      }
    }
  };
  scan(modules);
  return { packages, files };
}

/** Installs `names`' tarballs into the app and checks what landed: exactly `expected`, nothing native, small. */
function installAndInspect(names: string[], expected: string[]): void {
  run("npm", ["install", "--no-audit", "--no-fund", ...names.map((n) => tarballs.get(n) as string)], app);
  const { packages, files } = inventory(join(app, "node_modules"));
  const total = [...packages.values()].reduce((a, b) => a + b, 0);
  const sizes = [...packages].map(([name, bytes]) => `${name} ${(bytes / MB).toFixed(2)} MB`).join(", ");
  console.log(`node_modules after installing ${names.join(", ")}: ${(total / MB).toFixed(1)} MB (${sizes})`);
  expect([...packages.keys()].sort()).toEqual([...expected].sort());
  expect(files.filter((f) => /\.node$|binding\.gyp$/.test(f))).toEqual([]);
  for (const name of packages.keys()) {
    const manifest = JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8"));
    expect(
      manifest.scripts?.install ?? manifest.scripts?.postinstall ?? manifest.gypfile,
      name,
    ).toBeUndefined();
  }
  // Ours stay small; gpt-tokenizer (pure JS, ~30 MB unpacked: every OpenAI encoding, CJS and ESM) is the bulk.
  const ours = [...packages].filter(([n]) => n.startsWith("@overtone/")).reduce((a, [, b]) => a + b, 0);
  expect(ours).toBeLessThan(2 * MB);
  expect(total).toBeLessThan(40 * MB);
}

/** Runs `scenario` (from scenarios.ts, types stripped) on the installed package `name` in the app. */
function runInApp(name: string, scenario: string): unknown {
  const source = readFileSync(fileURLToPath(new URL("scenarios.ts", import.meta.url)), "utf8");
  writeFileSync(join(app, "scenarios.mjs"), transformSync(source, { loader: "ts", format: "esm" }).code);
  const script = `import * as pkg from "${name}";\nimport { ${scenario} } from "./scenarios.mjs";\nprocess.stdout.write(JSON.stringify(${scenario}(pkg)));\n`;
  writeFileSync(join(app, `${scenario}.mjs`), script);
  return JSON.parse(run(process.execPath, [`${scenario}.mjs`], app));
}

beforeAll(() => {
  run("npx", ["tsc", "-b", "packages/harmony", "packages/gguf"], root);
  dir = mkdtempSync(join(tmpdir(), "overtone-pack-"));
  const names = ["@overtone/errors", "@overtone/harmony", "@overtone/wasm", "@overtone/gguf"];
  const workspaces = names.flatMap((n) => ["-w", n]);
  const packed = JSON.parse(
    run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir, ...workspaces], root),
  ) as { name: string; filename: string }[];
  for (const p of packed) tarballs.set(p.name, join(dir, p.filename));
  app = join(dir, "app");
  mkdirSync(app);
  run("npm", ["init", "-y"], app);
  run("npm", ["pkg", "set", "type=module"], app);
}, 300_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("packed packages in an empty project (slow)", () => {
  it("@overtone/harmony installs with only gpt-tokenizer besides its errors, and renders and parses as in the repository", () => {
    installAndInspect(
      ["@overtone/errors", "@overtone/harmony"],
      ["@overtone/errors", "@overtone/harmony", "gpt-tokenizer"],
    );
    const installed = runInApp("@overtone/harmony", "harmonyScenario");
    expect(installed).toEqual(JSON.parse(JSON.stringify(harmonyScenario(harmony))));
    expect((installed as { text: string }).text).toContain("<|start|>user<|message|>What is the weather");
  }, 300_000);

  it("@overtone/gguf installs beside it (with @overtone/wasm) and decodes a Q8_0 tensor as in the repository", () => {
    installAndInspect(
      ["@overtone/wasm", "@overtone/gguf"],
      ["@overtone/errors", "@overtone/harmony", "@overtone/wasm", "@overtone/gguf", "gpt-tokenizer"],
    );
    const installed = runInApp("@overtone/gguf", "ggufScenario");
    expect(installed).toEqual(JSON.parse(JSON.stringify(ggufScenario(gguf))));
    expect((installed as { decoded: number[] }).decoded.slice(0, 3)).toEqual([-8, -7.5, -7]);
  }, 300_000);
});
