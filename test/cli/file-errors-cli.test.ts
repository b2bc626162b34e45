/**
 * Ordinary file-system mistakes through the built CLI (issue 13, finding 5): a missing input, a directory as input,
 * `--out` that is a directory or lies in a missing one. Each is one line naming the path the user typed (never the
 * temporary file beside it) and the fix, exit 1 — not "unexpected error: ENOENT …", exit 70.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ggufValue } from "@overtone/gguf";
import { writeGguf } from "@overtone/gguf/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-file-errors-"));
  model = join(dir, "model.gguf");
  // A GGUF without tensors is enough for `gguf template`, and takes no time to write.
  await writeGguf(model, { metadata: { "general.architecture": ggufValue.str("gpt-oss") }, tensors: [] });
  await writeFile(join(dir, "a-file"), "not a directory");
  await mkdir(join(dir, "a-dir"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Exit 1 and exactly one line on stderr, which matches `pattern` and is not an unexpected error. */
function expectOneLine(args: string[], pattern: RegExp, input?: string): string {
  const result = runCli(args, input);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/unexpected error|\.tmp\b/);
  expect(result.stderr).toMatch(pattern);
  expect(result.status).toBe(1);
  return result.stderr;
}

describe("reading a path that is not a readable file", () => {
  it("gguf inspect on a missing file", () => {
    expectOneLine(["gguf", "inspect", join(dir, "nope.gguf")], /nope\.gguf: no such file \(check the path\)/);
  });

  it("gguf inspect on a directory", () => {
    expectOneLine(
      ["gguf", "inspect", join(dir, "a-dir")],
      /a-dir: is a directory, not a file \(pass the path/,
    );
  });

  it("gguf template --set on a missing input", () => {
    const args = [
      "gguf",
      "template",
      join(dir, "nope.gguf"),
      "--set",
      "harmony",
      "--out",
      join(dir, "x.gguf"),
    ];
    expectOneLine(args, /nope\.gguf: no such file/);
  });

  it("gguf template --set @ a missing Jinja file", () => {
    const args = ["gguf", "template", model, "--set", "@nope.jinja", "--out", join(dir, "x.gguf")];
    expectOneLine(args, /^overtone: nope\.jinja: no such file/);
  });

  it("harmony render and parse on a missing file and a directory", () => {
    expectOneLine(["harmony", "render", join(dir, "nope.json")], /nope\.json: no such file/);
    expectOneLine(["harmony", "parse", join(dir, "a-dir")], /a-dir: is a directory/);
  });

  it("run --tools naming a missing file (before any model is loaded)", () => {
    expectOneLine(["run", "--tools", join(dir, "nope.json"), "hi"], /nope\.json: no such file/);
  });
});

describe("writing where no file can be written", () => {
  it("gguf make-tiny --out a directory", () => {
    expectOneLine(["gguf", "make-tiny", "--out", join(dir, "a-dir")], /cannot write .*a-dir: is a directory/);
  });

  it("gguf make-tiny --out into a missing directory names the path given, not the temporary file", () => {
    const out = join(dir, "missing", "tiny.gguf");
    const line = expectOneLine(["gguf", "make-tiny", "--out", out], /its directory does not exist/);
    expect(line).toContain(`cannot write ${out}:`);
  });

  it("gguf make-tiny --out below a file", () => {
    const out = join(dir, "a-file", "tiny.gguf");
    expectOneLine(["gguf", "make-tiny", "--out", out], /a part of the path is a file, not a directory/);
  });

  it("gguf template --out into a missing directory leaves nothing behind", async () => {
    const before = await readdir(dir);
    const args = ["gguf", "template", model, "--set", "harmony", "--out", join(dir, "missing", "x.gguf")];
    expectOneLine(args, /cannot write .*missing\/x\.gguf: its directory does not exist/);
    expect(await readdir(dir)).toEqual(before);
  });

  it("gguf template --out a directory, refused before the copy is written beside it", async () => {
    const args = ["gguf", "template", model, "--set", "harmony", "--out", join(dir, "a-dir")];
    expectOneLine(args, /cannot write .*a-dir: is a directory/);
    expect(await readdir(join(dir, "a-dir"))).toEqual([]);
  });

  it("gguf train-toy --out into a missing directory fails before training, not minutes later", () => {
    const args = ["gguf", "train-toy", "--out", join(dir, "missing", "toy.gguf")];
    expectOneLine(args, /cannot write .*missing\/toy\.gguf: its directory does not exist/);
  });

  it("gguf train-toy --checkpoint below a file fails before training", () => {
    const args = [
      "gguf",
      "train-toy",
      "--out",
      join(dir, "toy.gguf"),
      "--checkpoint",
      join(dir, "a-file", "c"),
    ];
    expectOneLine(args, /a part of the path is a file/);
  });

  // sysfs refuses new files even to root, where a chmod-ed directory would not.
  it.runIf(process.platform === "linux" && existsSync("/sys/kernel"))(
    "a directory without write permission says so and how to get around it",
    () => {
      expectOneLine(
        ["gguf", "make-tiny", "--out", "/sys/tiny.gguf"],
        /cannot write \/sys\/tiny\.gguf: permission denied \(check the directory's permissions, or write somewhere else\)/,
      );
    },
  );

  it.runIf(process.platform === "linux" && existsSync("/sys/kernel"))(
    "models pull into a cache that cannot be created names the folder and where the cache is set",
    () => {
      for (const model of ["toy", "tiny"]) {
        const result = runCli(["models", "pull", model], undefined, {
          OVERTONE_CACHE: "/sys/overtone-cache",
        });
        expect(result.status).toBe(1);
        expect(result.stderr).toBe(
          `overtone: cannot write /sys/overtone-cache/models/${model}: permission denied (check the directory's ` +
            "permissions, or write somewhere else; the cache is $OVERTONE_CACHE, else ~/.cache/overtone)\n",
        );
      }
    },
  );
});
