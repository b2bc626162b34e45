import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufHeader } from "@overtone/gguf/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTinyLlama } from "./make-tiny-llama.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tiny-llama-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("makeTinyLlama", () => {
  it("writes a Llama-architecture GGUF with a ChatML template and every tensor llama.cpp's llama loader needs", async () => {
    const made = await makeTinyLlama({ out: join(dir, "llama.gguf"), layers: 3, kvHeads: 1 });
    const handle = await open(made.path, "r");
    const file = await readGgufHeader(handle).finally(() => handle.close());
    const meta = (key: string) => file.metadata.get(key)?.value;
    expect(meta("general.architecture")).toBe("llama");
    expect(meta("llama.block_count")).toBe(3);
    expect(meta("llama.attention.head_count_kv")).toBe(1);
    expect(String(meta("tokenizer.chat_template"))).toContain("<|im_start|>");
    const names = file.tensors.map((t) => t.name);
    expect(names).toHaveLength(3 + 3 * 9);
    for (const name of [
      "token_embd.weight",
      "output.weight",
      "blk.2.ffn_gate.weight",
      "blk.0.attn_k.weight",
    ]) {
      expect(names).toContain(name);
    }
    // Grouped-query attention: one KV head of 16 (64 / 4).
    expect(file.tensors.find((t) => t.name === "blk.0.attn_k.weight")?.shape).toEqual([64, 16]);
    expect(made.parameters).toBeGreaterThan(2 * 64 * 201_088);
  });

  it("refuses shapes llama.cpp could not load", async () => {
    await expect(makeTinyLlama({ out: join(dir, "bad.gguf"), heads: 5 })).rejects.toThrow(/divide the width/);
    await expect(makeTinyLlama({ out: join(dir, "bad.gguf"), layers: 0 })).rejects.toThrow(/layers/);
  });
});
