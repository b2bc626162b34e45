/**
 * The embedded backend (createEmbedded) on real llama.cpp and a tiny gpt-oss GGUF: the Backend contract —
 * streams that end in one finish or error and never throw, the gpt-oss profile's effort and tools in the prompt
 * it evaluates, model listing, load errors as error parts, abort, close.
 */
import { join } from "node:path";
import { ConfigError, InputError } from "@overtone/errors";
import {
  conversation,
  message,
  renderConversationForCompletion,
  renderConversationForCompletionText,
  systemMessage,
} from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateRequest } from "../../packages/overtone/src/backends/contract.js";
import { createEmbedded, type EmbeddedBackend } from "../../packages/overtone/src/backends/embedded/index.js";
import { conversationForRendering } from "../../packages/overtone/src/backends/gpt-oss-profile.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { partsOf } from "../support/engine-parts.js";
import { tinyModelPath } from "../support/tiny-models.js";

let path: string;
let backend: EmbeddedBackend;

beforeAll(async () => {
  path = await tinyModelPath();
  backend = createEmbedded({ model: path, threads: 1, contextSize: 512 });
  await backend.ready();
}, 120_000);
afterAll(async () => {
  await backend?.close();
  await disposeEngineLlama();
});

const request = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  conversation: conversation([systemMessage(), message("user", "What is the weather in Oslo?")]),
  maxTokens: 4,
  temperature: 0,
  ...extra,
});

describe("createEmbedded", () => {
  it("declares what it can do", () => {
    expect(backend.kind).toBe("embedded");
    expect(backend.location).toBe(path);
    expect(backend.capabilities).toEqual({
      rawPrompt: true,
      nativeHarmony: true,
      reasoningEffort: true,
      tools: true,
      logprobs: false,
      tokenCounts: true,
    });
  });

  it("evaluates the profile's rendering: effort in the system message, request tools in the developer message", async () => {
    const tools = [{ name: "get_weather", description: "Weather in a city", parameters: { type: "object" } }];
    const req = request({ effort: "high", tools });
    const rendered = conversationForRendering(req);
    const text = renderConversationForCompletionText(rendered, "assistant");
    expect(text).toContain("Reasoning: high");
    expect(text).toContain("// Weather in a city\ntype get_weather = (");
    const parts = await partsOf(backend.stream(req));
    const finish = parts.at(-1);
    expect(finish?.type).toBe("finish");
    expect(finish?.type === "finish" && finish.usage?.inputTokens).toBe(
      renderConversationForCompletion(rendered, "assistant").length,
    );
    // Without the tools the prompt is shorter: they really were in what the model saw.
    const plain = await partsOf(backend.stream(request()));
    const plainFinish = plain.at(-1);
    expect(plainFinish?.type === "finish" && plainFinish.usage?.inputTokens).toBeLessThan(
      (finish?.type === "finish" && finish.usage?.inputTokens) || 0,
    );
  });

  it("ends a turn cut off by maxTokens with finish: length", async () => {
    // The tiny model's weights are random: its three tokens are words without a Harmony header, which lenient
    // parsing keeps as the answer (a `headerless-message` repair) instead of dropping them.
    const parts = await partsOf(backend.stream(request({ maxTokens: 3 })));
    expect(parts.map((p) => p.type)).toEqual(["final-start", "final-delta", "final-end", "finish"]);
    expect(parts.at(-1)).toMatchObject({
      type: "finish",
      reason: "length",
      usage: { outputTokens: 3 },
      repairs: [{ kind: "headerless-message" }],
    });
  });

  it("ends with finish: aborted when the request's signal fires", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const parts = await partsOf(backend.stream(request({ maxTokens: undefined, signal: controller.signal })));
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "aborted" });
  });

  it("lists the loaded model, and accepts its path, file name or GGUF name as request.model", async () => {
    const [info] = await backend.listModels();
    expect(info).toMatchObject({ id: path, gptOss: true, template: "harmony", contextLength: 512 });
    expect(info?.details).toMatchObject({ threads: 1, gpu: false });
    for (const model of [path, path.split("/").at(-1) as string, info?.details?.name as string]) {
      expect((await partsOf(backend.stream(request({ model, maxTokens: 1 })))).at(-1)?.type).toBe("finish");
    }
    const wrong = await partsOf(backend.stream(request({ model: "gpt-oss:120b" })));
    expect(wrong).toHaveLength(1);
    expect(wrong[0]?.type === "error" && wrong[0].error).toBeInstanceOf(InputError);
  });

  it("reports a model that cannot load as an error part (ConfigError) and a rejected listModels, never a throw", async () => {
    const missing = join(path, "..", "no-such-model.gguf");
    const broken = createEmbedded({ model: missing });
    const parts = await partsOf(broken.stream(request()));
    expect(parts).toHaveLength(1);
    const error = parts[0]?.type === "error" ? parts[0].error : undefined;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain(missing);
    await expect(broken.listModels()).rejects.toBeInstanceOf(ConfigError);
    await broken.close();
  });

  it("shares a loaded model without owning it; a closed backend streams an error", async () => {
    const model = await backend.ready();
    const shared = createEmbedded({ model });
    expect((await partsOf(shared.stream(request({ maxTokens: 1 })))).at(-1)?.type).toBe("finish");
    await shared.close();
    expect((await partsOf(shared.stream(request()))).at(-1)?.type).toBe("error");
    // The original owner's model is still alive.
    expect((await partsOf(backend.stream(request({ maxTokens: 1 })))).at(-1)?.type).toBe("finish");
  });
});
