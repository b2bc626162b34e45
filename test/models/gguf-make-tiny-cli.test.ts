/** `overtone gguf make-tiny`, driven through commander as main.ts will wire it (main.ts itself is the lead's). */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "@overtone/errors";
import { plainValue } from "@overtone/gguf";
import { openGguf } from "@overtone/gguf/node";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { integerFlag, registerGgufMakeTiny } from "../../packages/overtone/src/cli/gguf-make-tiny.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-make-tiny-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Run `overtone gguf make-tiny ARGS`; returns what it printed, or throws what the command threw. */
async function run(args: string[]): Promise<string> {
  const program = new Command("overtone").exitOverride().configureOutput({ writeErr: () => undefined });
  registerGgufMakeTiny(program.command("gguf").exitOverride());
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk, ...rest) => {
    printed.push(String(chunk));
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    done?.();
    return true;
  });
  try {
    await program.parseAsync(["gguf", "make-tiny", ...args], { from: "user" });
  } finally {
    spy.mockRestore();
  }
  return printed.join("");
}

async function inputErrorOf(args: string[]): Promise<InputError> {
  const error = await run(args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe("overtone gguf make-tiny", () => {
  it.each([
    [["--layers", "2.5"], "--layers", /not a whole number from 1 to 512/],
    [["--layers", "0"], "--layers", /from 1 to 512/],
    [["--seed", "-3"], "--seed", /from 0 to 4294967295/],
    [["--embd", "1e3"], "--embd", /not a whole number/],
    [["--experts-type", "q4_0"], "--experts-type", /unknown value "q4_0"/],
    [["--template", "llama3"], "--template", /unknown value "llama3"/],
    [["--experts", "2", "--experts-used", "3"], "--experts-used", /more than the 2 experts/],
    [["--heads", "4", "--kv-heads", "3"], "--kv-heads", /cannot be shared/],
    [["--embd", "48"], "--embd", /multiple of 32/],
  ])("rejects %j with an InputError for %s", async (args, where, message) => {
    const e = await inputErrorOf(["--out", join(dir, "bad.gguf"), ...args]);
    expect(e.where).toBe(where);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${where}: `)).toBe(true);
    expect(e.hint).toBeTruthy();
  });

  it("requires --out", async () => {
    await expect(run([])).rejects.toThrow(/--out/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("writes the model and prints one summary line", async () => {
    const out = join(dir, "m.gguf");
    const args = ["--out", out, "--experts-type", "f16", "--template", "none", "--seed", "9"];
    const printed = await run([
      ...args,
      "--layers",
      "1",
      "--embd",
      "48",
      "--experts",
      "3",
      "--experts-used",
      "1",
    ]);
    const bytes = (await stat(out)).size;
    expect(printed).toMatch(
      new RegExp(
        `^wrote ${out}: [\\d.]+ MiB \\(${bytes} bytes\\), 22 tensors, \\d+ parameters, f16 experts, none template, seed 9, in [\\d.]+ s\\n$`,
      ),
    );
    await using f = await openGguf(out);
    const get = (key: string) => plainValue(f.metadata.get(key) as never);
    expect([
      get("gpt-oss.block_count"),
      get("gpt-oss.embedding_length"),
      get("gpt-oss.expert_count"),
    ]).toEqual([1, 48, 3]);
    expect(get("gpt-oss.expert_used_count")).toBe(1);
    expect(f.metadata.has("tokenizer.chat_template")).toBe(false);
  });

  it("--json prints the result as JSON", async () => {
    const out = join(dir, "j.gguf");
    const result = JSON.parse(await run(["--out", out, "--json", "--layers", "1"]));
    expect(result).toMatchObject({
      path: out,
      tensorCount: 22,
      options: { layers: 1, expertsType: "mxfp4" },
    });
    expect(result.bytes).toBe((await stat(out)).size);
  });
});

describe("integerFlag", () => {
  it("accepts whole numbers in range only", () => {
    expect(integerFlag("--n", "007", [0, 10])).toBe(7);
    for (const bad of ["", " ", "1.0", "0x10", "+1", "11", "9007199254740993"]) {
      expect(() => integerFlag("--n", bad, [0, 10])).toThrow(InputError);
    }
  });

  it("--arch llama writes the tiny Llama-architecture model (ChatML), and refuses gpt-oss-only flags by name", async () => {
    const out = join(dir, "llama.gguf");
    const printed = await run([
      "--arch",
      "llama",
      "--out",
      out,
      "--layers",
      "3",
      "--kv-heads",
      "1",
      "--json",
    ]);
    expect(JSON.parse(printed)).toMatchObject({ path: out, arch: "llama" });
    {
      await using f = await openGguf(out);
      const get = (key: string) => plainValue(f.metadata.get(key) as never);
      expect(get("general.architecture")).toBe("llama");
      expect(get("llama.block_count")).toBe(3);
      expect(String(get("tokenizer.chat_template"))).toContain("<|im_start|>");
    }
    expect((await inputErrorOf(["--arch", "llama", "--out", out, "--experts", "4"])).where).toBe("--experts");
    expect((await inputErrorOf(["--arch", "llama", "--out", out, "--template", "harmony2"])).where).toBe(
      "--template",
    );
    expect((await inputErrorOf(["--arch", "llama", "--out", out, "--heads", "5"])).message).toMatch(
      /divide the width/,
    );
    expect((await inputErrorOf(["--arch", "bert", "--out", out])).where).toBe("--arch");
  });
});
