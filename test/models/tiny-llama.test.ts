/**
 * The tiny gpt-oss GGUFs through real llama.cpp (node-llama-cpp's CPU binary), no mocks: both expert types
 * load and generate; llama.cpp's tokenizer built from our metadata agrees with Overtone's o200k_harmony on
 * Harmony text (and the two places it does not are pinned, so a llama.cpp change shows up); node-llama-cpp
 * picks its chat wrapper from our template; the maker is deterministic; node-llama-cpp reads back what we wrote.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { classifyChatTemplate, plainValue } from "@overtone/gguf";
import { loadHarmonyTemplate, openGguf } from "@overtone/gguf/node";
import {
  conversation,
  decodeUtf8,
  developerContent,
  developerMessage,
  encodeOrdinary,
  encodeWithSpecialTokens,
  message,
  renderConversationForCompletion,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import {
  GPT_OSS_VOCAB_SIZE,
  gptOssTensorPlan,
  makeTinyGptOss,
  resolveTinyGptOssOptions,
} from "@overtone/makers";
import {
  ChatMLChatWrapper,
  HarmonyChatWrapper,
  type LlamaModel,
  readGgufFileInfo,
  resolveChatWrapper,
  type Token,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, disposeTestLlama, llamaLog, loadTestModel } from "../support/llama.js";
import { tinyModelPath } from "../support/tiny-models.js";

const MXFP4 = { expertsType: "mxfp4", template: "harmony" } as const;
const F16_CHATML = { expertsType: "f16", template: "chatml" } as const;
const GENERATED = 24;

const paths: Record<"mxfp4" | "f16", string> = { mxfp4: "", f16: "" };
let harmonyModel: LlamaModel;

beforeAll(async () => {
  // Sequential on purpose: two makes at once would only fight over the two cores.
  paths.mxfp4 = await tinyModelPath(MXFP4);
  paths.f16 = await tinyModelPath(F16_CHATML);
  harmonyModel = await loadTestModel(paths.mxfp4);
}, 120_000);
afterAll(() => disposeTestLlama());

/** readGgufFileInfo parses the 201k-token vocabulary and merges in JavaScript (~1 s): once per file is enough. */
const fileInfos = new Map<string, ReturnType<typeof readGgufFileInfo>>();
function fileInfo(path: string): ReturnType<typeof readGgufFileInfo> {
  let info = fileInfos.get(path);
  if (info === undefined) {
    info = readGgufFileInfo(path, { readTensorInfo: true });
    fileInfos.set(path, info);
  }
  return info;
}

async function generate(model: LlamaModel, prompt: number[], seed: number): Promise<number[]> {
  const context = await createTestContext(model, { threads: 1 });
  try {
    const out: number[] = [];
    for await (const token of context.getSequence().evaluate(prompt as Token[], { temperature: 1, seed })) {
      out.push(token);
      if (out.length >= GENERATED) break;
    }
    return out;
  } finally {
    await context.dispose();
  }
}

describe("llama.cpp runs the tiny gpt-oss models", () => {
  const prompt = encodeWithSpecialTokens("<|start|>user<|message|>Say hi.<|end|><|start|>assistant");

  it.each([
    ["mxfp4", /^gpt-oss .*MXFP4 MoE$/],
    ["f16", /^gpt-oss .*F16$/],
  ] as const)("loads the %s-expert model and generates tokens", async (kind, description) => {
    const model = await loadTestModel(paths[kind]);
    expect(model.typeDescription).toMatch(description);
    expect(model.trainContextSize).toBe(131072);
    expect(model.embeddingVectorSize).toBe(64);
    const tokens = await generate(model, prompt, 7);
    expect(tokens).toHaveLength(GENERATED);
    expect(tokens.every((t) => Number.isInteger(t) && t >= 0 && t < GPT_OSS_VOCAB_SIZE)).toBe(true);
    // Same sampling seed, same weights: the same tokens (the model is a real, deterministic function).
    expect(await generate(model, prompt, 7)).toEqual(tokens);
    expect(llamaLog.filter((line) => /error|failed/i.test(line))).toEqual([]);
  });
});

/** Harmony text: the upstream render vectors (text ones), a conversation rendered here, and tricky text. */
async function harmonyCorpus(): Promise<[string, string][]> {
  const dir = new URL("../fixtures/harmony/", import.meta.url);
  const corpus: [string, string][] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".txt")).sort()) {
    const text = (await readFile(new URL(name, dir), "utf8")).replace(/\r\n/g, "\n").trimEnd();
    if (!/^[\d\s]+$/.test(text)) corpus.push([name, text]); // two files are token ids, tested below
  }
  const rendered = renderConversationForCompletion(
    conversation([
      systemMessage(systemContent({ reasoning_effort: "High", conversation_start_date: "2025-01-01" })),
      developerMessage(developerContent({ instructions: "Réponds en français. 答えは短く。" })),
      message(
        "user",
        "Ünïcödé, emoji 👩‍👩‍👧‍👦🏳️‍🌈👍🏽🇯🇵, CJK 我想在apple工作, RTL مرحبا, math 𝔘𝔫𝔦, tabs\tand\r\nCRLF",
      ),
      message("assistant", "Thinking…  “quoted” <not a token>", { channel: "analysis" }),
      message("assistant", '{"x": 1}', {
        channel: "commentary",
        recipient: "functions.f",
        content_type: "<|constrain|>json",
      }),
    ]),
    "assistant",
  );
  corpus.push(["rendered conversation", decodeUtf8(rendered)]);
  const tricky = [
    "naïve café — “quotes” ‘single’ … e\u0301 a\u0308 Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "我想在apple工作。日本語のテキスト、한국어 텍스트 مرحبا بالعالم",
    "  leading spaces, 1234567890 3.14159, I'M SHOUTING, you're; they'll've\n\n\n   \u00a0\u2003",
    "\u0085 next line, \ufeff bom, \u200b zwsp, \u2028 ls, 𐍈 gothic",
    "code: for (let i = 0; i < n; i++) { x[i] = y?.[i] ?? `z`; } // \\n",
  ];
  for (const text of tricky) corpus.push([text.slice(0, 24), text]);
  return corpus;
}

describe("llama.cpp's tokenizer from our metadata = Overtone's o200k_harmony", async () => {
  const corpus = await harmonyCorpus();

  it.each(corpus)("%s", (_name, text) => {
    const ids = encodeWithSpecialTokens(text);
    const llamaIds = Array.from(harmonyModel.tokenize(text, true));
    expect(llamaIds).toEqual(ids);
    expect(harmonyModel.detokenize(harmonyModel.tokenize(text, true), true)).toBe(text);
  });

  it("decodes the upstream completion vectors (token ids) to the same text", async () => {
    for (const name of ["test_simple_reasoning_response.txt", "test_simple_tool_call.txt"]) {
      const raw = await readFile(new URL(`../fixtures/harmony/${name}`, import.meta.url), "utf8");
      const ids = raw.trim().split(/\s+/).map(Number);
      expect(harmonyModel.detokenize(ids as Token[], true)).toBe(decodeUtf8(ids));
    }
  });

  // Known llama.cpp v0.5.0 divergences, pinned so that a fix (or a new break) upstream fails here.
  it("differs on combining marks: llama.cpp's gpt-4o pre-tokenizer regex drops \\p{M} (Overtone = tiktoken)", () => {
    const hindi = "नमस्ते दुनिया, हिन्दी";
    // tiktoken o200k_base (the Rust reference, via the `tiktoken` package) gives these ids.
    const tiktoken = [998, 1637, 14681, 628, 64593, 11, 191681];
    expect(encodeOrdinary(hindi)).toEqual(tiktoken);
    expect(Array.from(harmonyModel.tokenize(hindi, false))).not.toEqual(tiktoken);
    // Both still decode to the same text: only the segmentation differs.
    expect(harmonyModel.detokenize(harmonyModel.tokenize(hindi, false), false)).toBe(hindi);
  });

  it("turns special-token text into special tokens even when asked not to (llama.cpp's USER_DEFINED hack)", () => {
    // llama-vocab.cpp forces <|channel|> <|message|> <|start|> <|constrain|> <|end|> to USER_DEFINED, which the
    // tokenizer always parses: user text "<|start|>" forges a message boundary unless the caller tokenizes itself.
    const text = "a<|start|>b<|end|>c<|channel|>d<|message|>e<|constrain|>f<|return|>g<|call|>";
    const plain = Array.from(harmonyModel.tokenize(text, false));
    expect(plain).not.toEqual(encodeOrdinary(text));
    expect(plain.filter((t) => t >= 199998)).toEqual([200006, 200007, 200005, 200008, 200003]);
    expect(encodeOrdinary(text).some((t) => t >= 199998)).toBe(false);
  });
});

describe("chat template recognition", () => {
  it("node-llama-cpp picks its Harmony wrapper for the official template, even without a gpt-oss name", async () => {
    expect(resolveChatWrapper(harmonyModel)).toBeInstanceOf(HarmonyChatWrapper);
    const info = await fileInfo(paths.mxfp4);
    const anonymous = {
      ...info,
      metadata: { ...info.metadata, general: { architecture: "gpt-oss", name: "x" } },
    };
    expect(resolveChatWrapper({ fileInfo: anonymous as never })).toBeInstanceOf(HarmonyChatWrapper);
    const template = info.metadata.tokenizer.chat_template;
    expect(template).toBe(await loadHarmonyTemplate());
    expect(classifyChatTemplate(template)).toBe("harmony");
  });

  it("the ChatML template wins over the gpt-oss name: field report 000's broken model", async () => {
    // From the file info alone: resolving with the loaded model's tokenizer gives the same answer, but checks
    // the template against every wrapper by tokenizing renders, which takes seconds.
    const info = await fileInfo(paths.f16);
    const wrapper = resolveChatWrapper({ fileInfo: info });
    expect(wrapper).not.toBeInstanceOf(HarmonyChatWrapper);
    expect(wrapper).toBeInstanceOf(ChatMLChatWrapper);
    expect(info.metadata.general.name).toMatch(/Gpt Oss/);
    expect(classifyChatTemplate(info.metadata.tokenizer.chat_template)).toBe("chatml");
  });

  it("with no template, the gpt-oss name alone selects Harmony", async () => {
    const info = await fileInfo(await tinyModelPath({ template: "none" }));
    expect(info.metadata.tokenizer.chat_template).toBeUndefined();
    expect(resolveChatWrapper({ fileInfo: info })).toBeInstanceOf(HarmonyChatWrapper);
  });
});

describe("makeTinyGptOss is deterministic", () => {
  const sha = async (path: string) =>
    createHash("sha256")
      .update(await readFile(path))
      .digest("hex");

  it("same seed → identical bytes; different seed → different weights, same vocabulary", async () => {
    const dir = await mkdtemp(join(tmpdir(), "overtone-tiny-"));
    try {
      const again = await makeTinyGptOss({ ...MXFP4, out: join(dir, "again.gguf") });
      expect(await sha(again.path)).toBe(await sha(paths.mxfp4));
      const other = await tinyModelPath({ ...MXFP4, seed: 2 });
      expect(await sha(other)).not.toBe(await sha(paths.mxfp4));
      // Only the weights (and the description naming the seed) differ.
      await using a = await openGguf(paths.mxfp4);
      await using b = await openGguf(other);
      const differing = [...a.metadata.keys()].filter(
        (k) =>
          JSON.stringify(plainValue(a.metadata.get(k) as never)) !==
          JSON.stringify(plainValue(b.metadata.get(k) as never)),
      );
      expect(differing).toEqual(["general.description"]);
      expect(b.tensors).toEqual(a.tensors);
      expect(await b.readTensorData("blk.0.attn_q.weight")).not.toEqual(
        await a.readTensorData("blk.0.attn_q.weight"),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("node-llama-cpp reads back what we wrote", () => {
  it.each(["mxfp4", "f16"] as const)("%s: hyperparameters, tokenizer and tensor table", async (kind) => {
    const o = resolveTinyGptOssOptions(kind === "mxfp4" ? MXFP4 : F16_CHATML);
    const info = await fileInfo(paths[kind]);
    const m = info.metadata;
    expect(m.general.architecture).toBe("gpt-oss");
    expect(m.general.basename).toBe("gpt-oss");
    expect(info.architectureMetadata).toMatchObject({
      context_length: o.contextLength,
      embedding_length: o.embd,
      block_count: o.layers,
      expert_count: o.experts,
      expert_used_count: o.expertsUsed,
      expert_feed_forward_length: o.ff,
      attention: {
        head_count: o.heads,
        head_count_kv: o.kvHeads,
        key_length: o.headDim,
        value_length: o.headDim,
        sliding_window: o.slidingWindow,
      },
      rope: { dimension_count: o.headDim, freq_base: 150000, scaling: { type: "yarn", factor: 32 } },
    });
    const tok = m.tokenizer.ggml;
    expect([tok.model, tok.pre, tok.bos_token_id, tok.eos_token_id, tok.padding_token_id]).toEqual([
      "gpt2",
      "gpt-4o",
      199998,
      200002,
      199999,
    ]);
    expect([tok.tokens.length, tok.token_type?.length, tok.merges?.length]).toEqual([201088, 201088, 446189]);
    const plan = gptOssTensorPlan(o);
    expect(info.tensorInfo?.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType])).toEqual(
      plan.map((t) => [t.name, t.shape, t.type]),
    );
  });
});
