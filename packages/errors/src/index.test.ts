import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AbortedError,
  BackendError,
  ConfigError,
  fileSystemError,
  GgufFormatError,
  HarmonyParseError,
  InputError,
  isOvertoneError,
  OvertoneError,
  type OvertoneErrorCode,
} from "./index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-errors-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the error tree", () => {
  it("keeps the wrapped error as cause, with its own fields", () => {
    const inner = new GgufFormatError("bad magic", { offset: 0, what: "magic" });
    const outer = new ConfigError("cannot load model.gguf", {
      where: "model.gguf",
      hint: "re-download it",
      cause: inner,
    });
    expect(outer.cause).toBe(inner);
    expect((outer.cause as GgufFormatError).offset).toBe(0);
    expect(outer.hint).toBe("re-download it");
    expect(new HarmonyParseError("x", { offset: 3, state: "header", cause: "why" }).cause).toBe("why");
    expect(new BackendError("x", { url: "u", retryable: false }).cause).toBeUndefined();
  });

  it("gives each class its code, and AbortedError is part of the tree", () => {
    const codes: Record<OvertoneErrorCode, OvertoneError | undefined> = {
      HARMONY_PARSE: new HarmonyParseError("x", { offset: 0, state: "s" }),
      HARMONY_RENDER: undefined,
      TOKENIZER: undefined,
      INPUT: undefined,
      CONFIG: new ConfigError("x", { where: "w" }),
      GGUF_FORMAT: new GgufFormatError("x", { offset: 0, what: "w" }),
      GGUF_CODEC: undefined,
      BACKEND: new BackendError("x", { url: "u", retryable: true }),
      ABORTED: new AbortedError(),
    };
    for (const [code, error] of Object.entries(codes)) if (error) expect(error.code).toBe(code);
    expect(new AbortedError()).toBeInstanceOf(OvertoneError);
    expect(new AbortedError().name).toBe("AbortedError");
  });

  it("recognizes an error from another copy of the package, where instanceof fails", async () => {
    // Two versions of @overtone/errors in one node_modules give two classes: a second module instance shows it.
    const copy = join(dir, "copy.ts");
    await copyFile(new URL("./index.ts", import.meta.url), copy);
    const other = (await import(copy)) as typeof import("./index.js");
    const foreign = new other.BackendError("refused", { url: "http://x", retryable: true });
    expect(foreign).not.toBeInstanceOf(OvertoneError);
    expect(isOvertoneError(foreign)).toBe(true);
    expect(other.isOvertoneError(new ConfigError("x", { where: "w" }))).toBe(true);
  });

  it("recognizes an error made in another realm, and nothing else", () => {
    const fromVm = runInNewContext(`
      const e = new Error("from a vm context");
      Object.defineProperty(e, Symbol.for("overtone.error"), { value: true });
      e`);
    expect(fromVm).not.toBeInstanceOf(Error);
    expect(isOvertoneError(fromVm)).toBe(true);
    for (const value of [new Error("plain"), { code: "BACKEND" }, null, undefined, "BACKEND", 1]) {
      expect(isOvertoneError(value)).toBe(false);
    }
  });
});

describe("fileSystemError: ordinary file-system mistakes as one line naming the user's path", () => {
  const system = (code: string) =>
    Object.assign(new Error(`${code}: x, open '.out.gguf.1-ab.tmp'`), { code, syscall: "open" });

  it("names the given path (not the file the error came from), says the fix, keeps the cause", () => {
    const cause = system("ENOENT");
    const error = fileSystemError(cause, "out/model.gguf", "write");
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe("cannot write out/model.gguf: its directory does not exist");
    expect((error as InputError).where).toBe("out/model.gguf");
    expect((error as InputError).hint).toMatch(/create the directory/);
    expect((error as InputError).cause).toBe(cause);
    expect((fileSystemError(cause, "in.gguf", "read", { where: "--set" }) as InputError).where).toBe("--set");
  });

  it("maps path mistakes to InputError and the machine's state to ConfigError", () => {
    for (const code of ["ENOENT", "EISDIR", "ENOTDIR", "EEXIST"]) {
      expect(fileSystemError(system(code), "p", "write"), code).toBeInstanceOf(InputError);
    }
    for (const [code, words] of [
      ["EACCES", "permission denied"],
      ["ENOSPC", "the disk is full"],
      ["EROFS", "the file system is read-only"],
    ] as const) {
      const error = fileSystemError(system(code), "p", "write");
      expect(error, code).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(`cannot write p: ${words}`);
    }
    expect((fileSystemError(system("EISDIR"), "d", "read") as InputError).message).toBe(
      "d: is a directory, not a file",
    );
  });

  it("returns any other error unchanged: unknown codes, inherited names, non-errors, Overtone errors", () => {
    const others = [system("EIO"), system("toString"), new Error("plain"), "text", undefined, null];
    others.push(new ConfigError("already ours", { where: "w" }));
    for (const other of others) expect(fileSystemError(other, "p", "read")).toBe(other);
  });
});
