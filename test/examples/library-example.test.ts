/**
 * examples/library.ts is the library's first-contact example (the README points at it): it must keep compiling
 * (the root type-check includes examples/) and keep running, offline, against the shipped toy model.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("examples/library.ts", () => {
  it("streams a whole answer from the toy model through createBackend", async () => {
    const { stdout, stderr } = await promisify(execFile)("npx", ["--no", "tsx", "examples/library.ts"], {
      cwd: ROOT,
      timeout: 120_000,
    });
    expect(stderr).not.toMatch(/[A-Z_]+: /);
    expect(stdout).toMatch(/^reasoning: \S.*$/m);
    expect(stdout).toMatch(/^answer: \S.*$/m);
    expect(stdout).toMatch(/^finish: stop$/m);
  });
});
