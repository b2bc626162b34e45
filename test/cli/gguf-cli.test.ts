/**
 * `overtone gguf inspect` and `overtone gguf template` run as a user runs them, on real tiny gpt-oss models,
 * checked against llama.cpp itself: libggml's gguf reader and node-llama-cpp's chat-wrapper choice.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chatTemplateOf } from "@overtone/gguf";
import { loadFixedHarmonyTemplate, loadHarmonyTemplate, openGguf } from "@overtone/gguf/node";
import { ChatMLChatWrapper, HarmonyChatWrapper, readGgufFileInfo, resolveChatWrapper } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWithLibggml } from "../support/libggml-gguf.js";
import { tinyModelPath } from "../support/tiny-models.js";
import { runCli } from "./run-cli.js";

let chatmlModel: string;
let dir: string;

beforeAll(async () => {
  chatmlModel = await tinyModelPath({ template: "chatml", seed: 3 });
  dir = await mkdtemp(join(tmpdir(), "overtone-gguf-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tensorHashes(path: string): Promise<Map<string, string>> {
  const file = await openGguf(path);
  try {
    const out = new Map<string, string>();
    for (const t of file.tensors) {
      out.set(
        t.name,
        createHash("sha256")
          .update(await file.readTensorData(t.name))
          .digest("hex"),
      );
    }
    return out;
  } finally {
    await file.close();
  }
}

describe("overtone gguf inspect", () => {
  it("--json agrees with libggml's own reader: counts, types, shapes, offsets", () => {
    const result = runCli(["gguf", "inspect", chatmlModel, "--json"]);
    expect(result.status).toBe(0);
    const ours = JSON.parse(result.stdout);
    const ggml = readWithLibggml(chatmlModel);
    if (!ggml) throw new Error("libggml refused the tiny model");
    expect(ours.version).toBe(ggml.version);
    expect(Object.keys(ours.metadata)).toEqual([...ggml.metadata.keys()]);
    expect(ours.tensors.map((t: { name: string }) => t.name)).toEqual(ggml.tensors.map((t) => t.name));
    ours.tensors.forEach((t: { type: string; shape: number[]; offset: number; bytes: number }, i: number) => {
      const g = ggml.tensors[i] as (typeof ggml.tensors)[number];
      expect(t.offset).toBe(g.offset);
      expect(t.bytes).toBe(g.size);
      expect([...t.shape, 1, 1, 1].slice(0, 4)).toEqual(g.ne);
    });
    expect(ours.chatTemplate.kind).toBe("chatml");
  });

  it("--json on a GGUF written by llama.cpp's own tools (its bundled vocab files) agrees with libggml", () => {
    const vocab = new URL(
      "../../node_modules/node-llama-cpp/llama/llama.cpp/models/ggml-vocab-bert-bge.gguf",
      import.meta.url,
    ).pathname;
    const ours = JSON.parse(runCli(["gguf", "inspect", vocab, "--json"]).stdout);
    const ggml = readWithLibggml(vocab);
    if (!ggml) throw new Error("libggml refused llama.cpp's own vocab file");
    expect(ours.version).toBe(ggml.version);
    expect(ours.dataOffset).toBe(ggml.dataOffset);
    expect(Object.keys(ours.metadata)).toEqual([...ggml.metadata.keys()]);
    expect(Object.values(ours.metadataTypes)).toEqual(
      [...ggml.metadata.values()].map((v) => (v.type === "arr" ? `arr[${v.itemType}]` : v.type)),
    );
    expect(ours.tensors).toHaveLength(ggml.tensors.length);
    expect(ours.metadata["tokenizer.ggml.model"]).toBe("bert");
  });

  it("prints a readable report that says the ChatML template is wrong for gpt-oss", () => {
    const result = runCli(["gguf", "inspect", chatmlModel]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/chat template: chatml — ChatML — wrong for gpt-oss/);
    expect(result.stdout).toMatch(/blk\.0\.ffn_gate_exps\.weight\s+MXFP4/);
    expect(result.stdout).toMatch(/tokenizer\.ggml\.tokens\s+arr\[str\]\s+\{"length":201088/);
  });

  it("fails with one line on a file that is not a GGUF", () => {
    const result = runCli(["gguf", "inspect", new URL("../../package.json", import.meta.url).pathname]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/GGUF/);
  });
});

describe("overtone gguf template", () => {
  it("prints the class and the template", () => {
    const result = runCli(["gguf", "template", chatmlModel]);
    expect(result.stdout.split("\n")[0]).toBe("chatml");
    expect(result.stdout).toContain("<|im_start|>");
  });

  it("--set harmony repairs the ChatML model: node-llama-cpp now sees Harmony, nothing else changed", async () => {
    const out = join(dir, "repaired.gguf");
    const before = readFileSync(chatmlModel);
    const result = runCli(["gguf", "template", chatmlModel, "--set", "harmony", "--out", out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/with a harmony chat template/);
    expect(readFileSync(chatmlModel).equals(before)).toBe(true); // the input is never modified

    expect(resolveChatWrapper({ fileInfo: await readGgufFileInfo(chatmlModel) })).toBeInstanceOf(
      ChatMLChatWrapper,
    );
    expect(resolveChatWrapper({ fileInfo: await readGgufFileInfo(out) })).toBeInstanceOf(HarmonyChatWrapper);

    // The Harmony written is the official template with its tool round trip fixed; `official` is OpenAI's bytes.
    const written = await openGguf(out);
    expect(chatTemplateOf(written.metadata)).toBe(await loadFixedHarmonyTemplate());
    await written.close();
    const officialOut = join(dir, "official.gguf");
    expect(runCli(["gguf", "template", chatmlModel, "--set", "official", "--out", officialOut]).status).toBe(
      0,
    );
    const official = await openGguf(officialOut);
    expect(chatTemplateOf(official.metadata)).toBe(await loadHarmonyTemplate());
    await official.close();
    expect(runCli(["gguf", "inspect", out]).stdout).toMatch(
      /chat template: harmony \(the official gpt-oss template, tool round trip fixed\)/,
    );
    expect(runCli(["gguf", "inspect", officialOut]).stdout).toMatch(/double-encoded under llama\.cpp/);

    expect(await tensorHashes(out)).toEqual(await tensorHashes(chatmlModel));
    const [a, b] = [await openGguf(chatmlModel), await openGguf(out)];
    const keys = [...a.metadata.keys()];
    expect([...b.metadata.keys()]).toEqual(keys);
    for (const key of keys.filter((k) => k !== "tokenizer.chat_template")) {
      expect(b.metadata.get(key), key).toEqual(a.metadata.get(key));
    }
    await Promise.all([a.close(), b.close()]);
  });

  it("refuses --set without --out, and never writes over the input", () => {
    const result = runCli(["gguf", "template", chatmlModel, "--set", "harmony"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--set needs --out/);
    const same = runCli(["gguf", "template", chatmlModel, "--set", "harmony", "--out", chatmlModel]);
    expect(same.status).toBe(1);
    expect(same.stderr).toMatch(/never modified/);
  });
});
