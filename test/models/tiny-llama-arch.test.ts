/**
 * The tiny Llama-architecture model (makers' makeTinyLlama: the non-Harmony rung of a benchmark ladder) through
 * real llama.cpp: it loads as architecture `llama` with its ChatML template, and generates the tokens asked for.
 */
import { classifyChatTemplate } from "@overtone/gguf";
import { LlamaCompletion } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { loadTestModel } from "../support/llama.js";
import { tinyLlamaModelPath } from "../support/tiny-models.js";

describe("tiny Llama model in llama.cpp", () => {
  it("loads as a llama with a ChatML template and generates", async () => {
    const model = await loadTestModel(await tinyLlamaModelPath());
    expect(model.fileInfo.metadata.general.architecture).toBe("llama");
    const template = String(model.fileInfo.metadata.tokenizer?.chat_template ?? "");
    expect(classifyChatTemplate(template)).toBe("chatml");
    const context = await model.createContext({ contextSize: 512, threads: 1 });
    try {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const text = await completion.generateCompletion("Hello there", { maxTokens: 12 });
      expect(text.length).toBeGreaterThan(0);
      expect(model.tokenize(text, true).length).toBeGreaterThan(0);
    } finally {
      await context.dispose();
    }
  }, 120_000);
});
