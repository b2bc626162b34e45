/**
 * `overtone gguf train-toy` run as a user runs it, with a very short run: a real gpt-oss GGUF with the full
 * vocabulary and the chosen template, progress on stderr, the checkpoint removed after success, and bad flags
 * refused with one line that names them.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chatTemplateOf, classifyChatTemplate } from "@overtone/gguf";
import { openGguf } from "@overtone/gguf/node";
import { GPT_OSS_VOCAB_SIZE } from "@overtone/makers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-train-toy-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const short = ["--steps", "3", "--examples", "16", "--threads", "1"];

async function describeGguf(path: string) {
  const file = await openGguf(path);
  try {
    const tokens = file.metadata.get("tokenizer.ggml.tokens");
    return {
      architecture: file.metadata.get("general.architecture")?.value,
      template: classifyChatTemplate(chatTemplateOf(file.metadata)),
      vocabulary: tokens?.type === "arr" ? tokens.value.length : 0,
      experts: file.metadata.get("gpt-oss.expert_count")?.value,
      types: new Set(file.tensors.map((t) => t.type)),
    };
  } finally {
    await file.close();
  }
}

describe("overtone gguf train-toy", () => {
  it("trains, reports progress on stderr and writes an F32 gpt-oss GGUF with the Harmony template", async () => {
    const out = join(dir, "toy.gguf");
    const result = runCli(["gguf", "train-toy", "--out", out, ...short, "--json"]);
    expect(result.stderr).toContain("step 3/3");
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.completed).toBe(true);
    expect(json.path).toBe(out);
    expect(json.margin.margin).toBeGreaterThan(0);
    const gguf = await describeGguf(out);
    expect(gguf).toEqual({
      architecture: "gpt-oss",
      template: "harmony",
      vocabulary: GPT_OSS_VOCAB_SIZE,
      experts: 4,
      types: new Set([0]),
    });
    await expect(stat(`${out}.checkpoint`)).rejects.toThrow(/ENOENT/);
  });

  it("writes the same weights behind the ChatML template with --template chatml", async () => {
    const out = join(dir, "toy-chatml.gguf");
    const result = runCli(["gguf", "train-toy", "--out", out, ...short, "--template", "chatml"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^wrote .*toy-chatml\.gguf: .* 3 steps, final loss \d/);
    expect((await describeGguf(out)).template).toBe("chatml");
  });

  it("refuses bad flags with one line naming the flag", () => {
    for (const [flag, value] of [
      ["--threads", "3"],
      ["--template", "bogus"],
      ["--steps", "0"],
      ["--seed", "-1"],
    ] as const) {
      const result = runCli(["gguf", "train-toy", "--out", join(dir, "x.gguf"), flag, value]);
      expect(result.status, `${flag} ${value}`).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^overtone: ${flag}: `));
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
