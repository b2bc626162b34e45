/**
 * @overtone/harmony and @overtone/gguf's "." entry work in a browser as published: esbuild bundles them for
 * `platform: "browser"` from their package exports (dist/, built here first), with no Node built-in anywhere in
 * the graph, and headless Chromium runs the bundle to the same results as Node on the sources (scenarios.ts).
 * @overtone/gguf/node is the control: bundling it must fail on its Node imports, or the guard proves nothing.
 *
 * Needs Chromium: Debian's `apt-get install -y --no-install-recommends chromium` (or CHROMIUM=/path/to/chrome).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as gguf from "../../packages/gguf/src/index.js";
import * as harmony from "../../packages/harmony/src/index.js";
import { ggufScenario, harmonyScenario } from "./scenarios.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const builtins = new Set(builtinModules);
let dir: string;

/** Fails the build on any import of a Node built-in (`node:x` or bare `fs`, …), naming the importer. */
function noNodeBuiltins(found: string[]): Plugin {
  return {
    name: "no-node-builtins",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!args.path.startsWith("node:") && !builtins.has(args.path)) return undefined;
        found.push(`${args.importer} imports ${args.path}`);
        return { errors: [{ text: `${args.path} is a Node built-in, which a browser does not have` }] };
      });
    },
  };
}

/** Bundles `contents` for the browser, resolving packages as a consumer would (node_modules, `exports`). */
function bundle(contents: string, found: string[]) {
  return build({
    stdin: { contents, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "ts" },
    absWorkingDir: root,
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
    // No tsconfig: the root one maps @overtone/* to the sources, a consumer gets the packages' dist/.
    tsconfigRaw: {},
    metafile: true,
    plugins: [noNodeBuiltins(found)],
  });
}

const ENTRY = `
import * as harmony from "@overtone/harmony";
import * as gguf from "@overtone/gguf";
import { ggufScenario, harmonyScenario } from "./scenarios.ts";
let result;
try {
  result = { harmony: harmonyScenario(harmony), gguf: ggufScenario(gguf) };
} catch (error) {
  result = { error: String(error && error.stack || error) };
}
document.getElementById("out").textContent = encodeURIComponent(JSON.stringify(result));
`;

function chromium(): string {
  const candidates = [process.env.CHROMIUM, "chromium", "chromium-browser", "google-chrome"];
  for (const c of candidates) {
    if (c !== undefined && spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0) return c;
  }
  throw new Error(
    "No Chromium found for the browser test: install it (Debian: apt-get install -y --no-install-recommends chromium) or set CHROMIUM=/path/to/chrome",
  );
}

beforeAll(() => {
  execFileSync("npx", ["tsc", "-b", "packages/harmony", "packages/gguf"], { cwd: root, stdio: "pipe" });
  dir = mkdtempSync(join(tmpdir(), "overtone-browser-"));
}, 120_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("browser bundle", () => {
  it("@overtone/gguf/node does not bundle for a browser: the Node-import guard works", async () => {
    const found: string[] = [];
    await expect(bundle('import * as g from "@overtone/gguf/node"; console.log(g);', found)).rejects.toThrow(
      /is a Node built-in/,
    );
    expect(
      found.some((f) => f.includes("packages/gguf/dist/") && f.endsWith("imports node:fs/promises")),
    ).toBe(true);
  });

  it("bundles @overtone/harmony and @overtone/gguf with no Node built-in, and Chromium runs it as Node does", async () => {
    const found: string[] = [];
    const result = await bundle(ENTRY, found);
    expect(found).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    // The published files, not the sources the repository's tsconfig maps to.
    expect(inputs).toContain("packages/harmony/dist/index.js");
    expect(inputs).toContain("packages/gguf/dist/index.js");
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    console.log(`browser bundle: ${(code.length / 1024 / 1024).toFixed(1)} MB, ${inputs.length} modules`);
    writeFileSync(join(dir, "bundle.js"), code);
    writeFileSync(
      join(dir, "index.html"),
      '<!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre><script src="bundle.js"></script></body></html>',
    );

    const page = spawnSync(
      chromium(),
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        `--user-data-dir=${join(dir, "profile")}`,
        "--dump-dom",
      ].concat(pathToFileURL(join(dir, "index.html")).href),
      { encoding: "utf8", timeout: 90_000 },
    );
    const out = /<pre id="out">([^<]*)<\/pre>/.exec(page.stdout)?.[1];
    if (out === undefined || out === "") {
      expect.fail(
        `Chromium printed no result (exit ${page.status}):\n${page.stdout}\n${page.stderr.slice(-2000)}`,
      );
    }
    const inBrowser = JSON.parse(decodeURIComponent(out));
    expect(inBrowser.error).toBeUndefined();
    expect(inBrowser).toEqual(
      JSON.parse(JSON.stringify({ harmony: harmonyScenario(harmony), gguf: ggufScenario(gguf) })),
    );
  }, 120_000);
});
