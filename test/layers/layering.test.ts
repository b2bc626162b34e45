/**
 * `npm run lint:layers` can fail: the check runs on a copy of the packages' sources in a temporary directory
 * into which one violation of each rule is planted, and must report every one by its rule name and file. The
 * real tree must pass. The copy keeps the repository untouched while other work goes on in it.
 */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");

function runCheck(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(TSX, [join(ROOT, "scripts/check-layers.ts")], { cwd, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Each planted file (relative to the copy's root), its text, and the rules it must be reported under. */
const PROBES: { file: string; text: string; rules: string[] }[] = [
  {
    file: "packages/harmony/src/zz-probe-upward.ts",
    text: 'import { GGML_TYPE } from "@overtone/gguf";\nexport const t = GGML_TYPE;\n',
    rules: ["harmony-layer", "workspace-dep-not-in-package-json"],
  },
  {
    file: "packages/overtone/src/engine/zz-probe-upward.ts",
    text: 'import type { Backend } from "../backends/contract.js";\nexport type B = Backend;\n',
    rules: ["engine-not-upward"],
  },
  {
    file: "packages/makers/src/zz-probe-cycle-a.ts",
    text: 'import { b } from "./zz-probe-cycle-b.js";\nexport const a = () => b;\n',
    rules: [], // checked below: the cycle is reported once, from either end
  },
  {
    file: "packages/makers/src/zz-probe-cycle-b.ts",
    text: 'import { a } from "./zz-probe-cycle-a.js";\nexport const b = () => a;\n',
    rules: [],
  },
  {
    file: "packages/overtone/src/backends/zz-probe-fetch.ts",
    text: "export type F = typeof fetch;\nexport const get = (url: string) => fetch(url);\n",
    rules: ["fetch-only-in-net"],
  },
  {
    file: "packages/gguf/src/zz-probe-native.ts",
    text: 'import koffi from "koffi";\nexport const k = koffi;\n',
    rules: ["native-only-in-engine", "no-non-package-json"],
  },
  {
    file: "packages/makers/src/zz-probe-relative.ts",
    text: 'import type { Message } from "../../harmony/src/types.js";\nexport type M = Message;\n',
    rules: ["no-cross-package-relative"],
  },
  {
    file: "packages/harmony/src/zz-probe-node.ts",
    text: 'import { readFileSync } from "node:fs";\nexport const r = readFileSync;\n',
    rules: ["harmony-browser-safe"],
  },
  {
    // Reached from packages/gguf/src/index.ts through zz-probe-reach.ts (appended to the index below).
    file: "packages/gguf/src/zz-probe-reach-deep.ts",
    text: 'import { join } from "node:path";\nexport const j = join;\n',
    rules: [],
  },
  {
    file: "packages/gguf/src/zz-probe-reach.ts",
    text: 'export { j } from "./zz-probe-reach-deep.js";\n',
    rules: [],
  },
  {
    file: "packages/toy/src/zz-probe-missing.ts",
    text: 'export * from "./no-such-file.js";\n',
    rules: ["not-to-unresolvable"],
  },
  {
    file: "packages/overtone/src/backends/zz-probe-toy.ts",
    text: 'export * from "@overtone/toy";\n',
    rules: ["toy-only-from-cli"],
  },
  {
    file: "packages/makers/src/zz-probe-overtone.ts",
    text: 'export * from "@overtone/overtone/errors";\n',
    rules: ["packages-not-to-overtone"],
  },
  {
    file: "packages/errors/src/zz-probe-leaf.ts",
    text: 'export * from "@overtone/wasm";\n',
    rules: ["leaves-import-nothing"],
  },
  {
    file: "packages/harmony/src/zz-probe-npm.ts",
    text: 'import fc from "fast-check";\nexport const f = fc;\n',
    rules: ["no-non-package-json"],
  },
  {
    file: "packages/toy/src/zz-probe-tools.ts",
    text: 'export * from "../../../test/support/zz-stub.js";\n',
    rules: ["src-not-to-repo-tools"],
  },
  {
    file: "packages/overtone/src/net/zz-probe-upward.ts",
    text: 'export * from "@overtone/harmony";\n',
    rules: ["net-imports-only-errors"],
  },
  {
    file: "packages/overtone/src/backends/zz-probe-duckdb.ts",
    text: 'import { DuckDBInstance } from "@duckdb/node-api";\nexport const d = DuckDBInstance;\n',
    rules: ["duckdb-only-in-data"],
  },
  {
    file: "packages/overtone/src/data/zz-probe-upward.ts",
    text: 'export * from "../net/http.js";\n',
    rules: ["data-layer"],
  },
  {
    file: "packages/overtone/src/engine/zz-probe-data.ts",
    text: 'export * from "../data/index.js";\n',
    rules: ["data-not-from-below"],
  },
  {
    file: "packages/overtone/src/data-agent/zz-probe-upward.ts",
    text: 'export * from "../cli/format.js";\n',
    rules: ["data-agent-layer"],
  },
  {
    file: "packages/overtone/src/agent/zz-probe-data-agent.ts",
    text: 'export * from "../data-agent/index.js";\n',
    rules: ["data-agent-only-from-cli"],
  },
];

/** A copy of what the check reads: configs, package.json files, sources (colocated tests left out). */
function copyTree(to: string): void {
  for (const file of [".dependency-cruiser.cjs", "tsconfig.json", "tsconfig.base.json"]) {
    cpSync(join(ROOT, file), join(to, file));
  }
  for (const pkg of readdirSync(join(ROOT, "packages"))) {
    cpSync(join(ROOT, "packages", pkg, "package.json"), join(to, "packages", pkg, "package.json"));
    cpSync(join(ROOT, "packages", pkg, "src"), join(to, "packages", pkg, "src"), {
      recursive: true,
      filter: (source) => !source.endsWith(".test.ts"),
    });
  }
  // npm packages resolve as in the repository; `@overtone/*` resolves through the copy's tsconfig paths.
  symlinkSync(join(ROOT, "node_modules"), join(to, "node_modules"), "dir");
}

describe("lint:layers", () => {
  let copy: string;
  let planted: { status: number | null; output: string };

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), "overtone-layers-"));
    copyTree(copy);
    for (const probe of PROBES) writeFileSync(join(copy, probe.file), probe.text);
    mkdirSync(join(copy, "test/support"), { recursive: true });
    writeFileSync(join(copy, "test/support/zz-stub.ts"), "export const stub = 1;\n");
    appendFileSync(join(copy, "packages/gguf/src/index.ts"), 'export * from "./zz-probe-reach.js";\n');
    planted = runCheck(copy);
    // A whole dependency-cruiser run over the copy: seconds when the machine is quiet, more when it is not.
  }, 120_000);

  afterAll(() => {
    if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
  });

  it("passes on the repository as it is", () => {
    const real = runCheck(ROOT);
    expect(real.output).toContain("lint:layers: no layering violations");
    expect(real.status).toBe(0);
  });

  it("fails on a copy with one violation of each rule planted", () => {
    expect(planted.status, planted.output).toBe(1);
  });

  for (const probe of PROBES.filter((p) => p.rules.length > 0)) {
    for (const rule of probe.rules) {
      it(`reports ${rule} for ${probe.file.replace(/^packages\//, "")}`, () => {
        const line = new RegExp(`error ${rule}: ${probe.file.replace(/[.]/g, "\\.")}`);
        expect(planted.output).toMatch(line);
      });
    }
  }

  it("reports no-circular for the two modules that import each other", () => {
    expect(planted.output).toMatch(
      /error no-circular: packages\/makers\/src\/zz-probe-cycle-(a|b)\.ts → \n\s+packages\/makers\/src\/zz-probe-cycle-(a|b)\.ts/,
    );
  });

  it("reports gguf-entry-browser-safe for node:path reached from @overtone/gguf's browser entry", () => {
    expect(planted.output).toMatch(
      /error gguf-entry-browser-safe: packages\/gguf\/src\/index\.ts → [^\n]*path/,
    );
    expect(planted.output).toContain("zz-probe-reach-deep.ts");
  });

  it("reports the fetch call but not the `typeof fetch` type beside it", () => {
    const fetchLines = planted.output.split("\n").filter((l) => l.includes("error fetch-only-in-net:"));
    expect(fetchLines).toEqual([
      "  error fetch-only-in-net: packages/overtone/src/backends/zz-probe-fetch.ts:2:37 `fetch`",
    ]);
  });
});
