/**
 * `@overtone/toy` is an optional peer of the main package: `npm i @overtone/overtone` does not bring the trainer.
 * Laid out as such an install (the built main package in a node_modules with its dependencies and without
 * @overtone/toy), `overtone gguf train-toy` must say what is missing and how to get it, and the rest of the CLI
 * must not need the trainer at all.
 */
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WITHOUT_TOY = ["errors", "wasm", "harmony", "gguf", "makers"];
const EXTERNAL = ["commander", "node-llama-cpp", "gpt-tokenizer"];

let dir: string;
let bin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-no-toy-"));
  const modules = join(dir, "node_modules");
  const main = join(modules, "@overtone", "overtone");
  await mkdir(main, { recursive: true });
  for (const entry of ["package.json", "bin", "dist"]) {
    await cp(join(ROOT, "packages/overtone", entry), join(main, entry), { recursive: true });
  }
  for (const name of WITHOUT_TOY) {
    await symlink(join(ROOT, "packages", name), join(modules, "@overtone", name), "dir");
  }
  for (const name of EXTERNAL) await symlink(join(ROOT, "node_modules", name), join(modules, name), "dir");
  bin = join(main, "bin", "overtone.js");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function overtone(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", timeout: 60_000 });
}

describe("the CLI without @overtone/toy installed", () => {
  it("gguf train-toy says the trainer is a separate package and how to install it", () => {
    const result = overtone(["gguf", "train-toy", "--out", join(dir, "toy.gguf")]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      "overtone: the toy trainer is not installed: it is a separate package, @overtone/toy (install it beside " +
        "Overtone (npm i @overtone/toy), or run --model toy to use the shipped toy model)",
    );
  });

  it("every other command works without it", () => {
    const parsed = overtone(["harmony", "parse", join(ROOT, "examples/completion.txt"), "--from", "text"]);
    expect(parsed.stderr).toBe("");
    expect(parsed.status).toBe(0);
    expect(JSON.parse(parsed.stdout)).toBeInstanceOf(Array);
    const help = overtone(["gguf", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/make-tiny/);
    expect(help.stdout).toMatch(/train-toy[^\n]*\s+[^\n]*needs the separate\s+package\s+@overtone\/toy/);
  });
});
