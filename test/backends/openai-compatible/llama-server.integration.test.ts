/**
 * The OpenAI-compatible backend against a real llama-server (built from node-llama-cpp's llama.cpp source)
 * serving the tiny gpt-oss model. The weights are random, so the text is noise: these tests check mechanics —
 * what is sent (effort, prompt ids), what comes back (a stream that ends in `finish` with usage and timings,
 * `length` at the budget), and that an abort stops the server's work.
 */

import { BackendError } from "@overtone/errors";
import {
  conversation,
  developerContent,
  developerMessage,
  type FinishPart,
  message,
  type Part,
  partToJson,
  renderConversationForCompletionText,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backend, createOpenAICompatible } from "../../../packages/overtone/src/backends/index.js";
import { chatCompletionBody } from "../../../packages/overtone/src/backends/openai-compatible/chat-request.js";
import { completionBody } from "../../../packages/overtone/src/backends/openai-compatible/raw-completion.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  startLlamaServer,
} from "../../support/llama-server.js";
import { tinyModelPath } from "../../support/tiny-models.js";

let server: LlamaServerHandle;
let backend: Backend;

beforeAll(async () => {
  server = await startLlamaServer({ model: await tinyModelPath(), threads: 1, ctx: 2048 });
  backend = createOpenAICompatible({ baseURL: server.baseURL });
}, LLAMA_SERVER_BUILD_TIMEOUT_MS + 120_000);

afterAll(async () => {
  await server?.stop();
});

const question = () =>
  conversation([
    systemMessage(systemContent({ conversation_start_date: "2026-01-01" })),
    developerMessage(developerContent({ instructions: "Answer briefly." })),
    message("user", "What is 2 + 2?"),
  ]);

async function partsOf(stream: AsyncIterable<Part>): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** Exactly one `finish` or `error`, and it is last. */
function expectOneEnd(parts: Part[]): void {
  const ends = parts.filter((p) => p.type === "finish" || p.type === "error");
  expect(ends).toHaveLength(1);
  expect(parts.at(-1)).toBe(ends[0]);
}

describe("llama-server (real, tiny gpt-oss)", () => {
  it("lists the model as gpt-oss with a Harmony template, and recognises llama-server", async () => {
    const models = await backend.listModels();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ gptOss: true, template: "harmony", contextLength: 2048 });
    expect(backend.capabilities.rawPrompt).toBe(true);
  });

  it("raw route: the server evaluates exactly the prompt ids Overtone rendered", async () => {
    const request = {
      conversation: question(),
      maxTokens: 8,
      effort: "high" as const,
      route: "raw" as const,
    };
    const { prompt } = completionBody(request);
    // The server's tokenizer turns our rendered text into our ids (so the vocabularies agree)…
    const text = renderConversationForCompletionText(
      conversation(
        question().messages.map((m) =>
          m.author.role === "system"
            ? systemMessage(
                systemContent({ conversation_start_date: "2026-01-01", reasoning_effort: "High" }),
              )
            : m,
        ),
      ),
      "assistant",
    );
    expect(text).toContain("Reasoning: high");
    const tokenized = await post("/tokenize", { content: text, add_special: false, parse_special: true });
    expect(tokenized.tokens).toEqual(prompt);
    // …and it evaluated that many prompt tokens for our request.
    const parts = await partsOf(backend.stream(request));
    expectOneEnd(parts);
    const finish = parts.at(-1) as FinishPart;
    expect(finish.type).toBe("finish");
    expect(finish.usage?.inputTokens).toBe(prompt.length);
    expect(finish.usage?.outputTokens).toBe(8);
    expect(finish.reason).toBe("length");
    // The tiny model's weights are random: its tokens are words without a Harmony header, which lenient parsing
    // keeps as the answer (a `headerless-message` repair), so the turn is cut, not empty.
    expect(finish.repairs?.map((repair) => repair.kind)).toContain("headerless-message");
    expect(finish.timings?.promptMs).toBeGreaterThan(0);
    expect(finish.timings?.generationMs).toBeGreaterThan(0);
  });

  it("auto takes the raw route for a gpt-oss vocabulary", async () => {
    const parts = await partsOf(backend.stream({ conversation: question(), maxTokens: 4 }));
    const finish = parts.at(-1) as FinishPart;
    expect(finish).toMatchObject({ type: "finish", reason: "length", usage: { outputTokens: 4 } });
  });

  it("chat route: effort reaches the template (reasoning_effort + chat_template_kwargs)", async () => {
    const body = chatCompletionBody(
      { conversation: question(), effort: "low" },
      { flavor: "llama-server", model: undefined, stream: false },
    );
    const rendered = await post("/apply-template", body);
    expect(rendered.prompt).toContain("Reasoning: low");
    expect(rendered.prompt).toContain("# Instructions\n\nAnswer briefly.");
    const high = await post("/apply-template", {
      ...body,
      ...chatCompletionBody(
        { conversation: question(), effort: "high" },
        { flavor: "llama-server", model: undefined, stream: false },
      ),
    });
    expect(high.prompt).toContain("Reasoning: high");
  });

  it("chat route: llama-server's Harmony parser refuses noise, which arrives as a retryable error part", async () => {
    // Random weights never write valid Harmony; llama.cpp's chat parser then fails the turn mid-stream (037).
    const parts = await partsOf(backend.stream({ conversation: question(), maxTokens: 16, route: "chat" }));
    expectOneEnd(parts);
    const last = parts.at(-1) as Part;
    if (last.type === "finish") return; // the rare noise that parses
    expect(last.type).toBe("error");
    expect(last.type === "error" ? last.error : undefined).toBeInstanceOf(BackendError);
    expect(last.type === "error" ? last.error : undefined).toMatchObject({
      retryable: true,
      url: `${server.baseURL}/v1/chat/completions`,
      hint: expect.stringContaining("route 'raw'"),
    });
  });

  it("chat route with llama-server's chat parsing off: final text, length at the budget, usage and timings", async () => {
    const plain = await startLlamaServer({
      model: await tinyModelPath(),
      extraArgs: ["--skip-chat-parsing"],
    });
    try {
      const chat = createOpenAICompatible({ baseURL: plain.baseURL, flavor: "llama-server" });
      const parts = await partsOf(
        chat.stream({ conversation: question(), maxTokens: 16, route: "chat", effort: "low" }),
      );
      expectOneEnd(parts);
      const finish = parts.at(-1) as FinishPart;
      expect(finish).toMatchObject({ type: "finish", reason: "length", usage: { outputTokens: 16 } });
      expect(finish.usage?.inputTokens).toBeGreaterThan(50);
      expect(finish.timings?.promptMs).toBeGreaterThan(0);
      expect(finish.timings?.generationMs).toBeGreaterThan(0);
      expect(finish.timings?.firstTokenMs).toBeGreaterThan(0);
      // noise without Harmony markup is passed on as the answer text
      expect(parts.some((p) => p.type === "final-delta")).toBe(true);
    } finally {
      await plain.stop();
    }
  });

  it("abort ends with finish: aborted and stops the server's generation", async () => {
    interface Slot {
      is_processing: boolean;
      next_token?: { n_decoded: number }[];
    }
    const slot = async () => ((await (await fetch(`${server.baseURL}/slots`)).json()) as Slot[])[0];
    const decoded = (s: Slot | undefined) => s?.next_token?.[0]?.n_decoded ?? 0;
    const controller = new AbortController();
    const parts: Part[] = [];
    // 3–10 ms a token here: 1900 tokens take 6–20 s; the abort comes after 1 s, once the server has said how
    // many tokens it had decoded. The tiny model's output is noise, and unseeded noise now and then forms a header
    // the parser cannot decode before the abort lands (seen once in ~7 runs): seed 1 gives 1900 tokens that parse.
    let atAbort: Promise<number> | undefined;
    const timer = setTimeout(() => {
      atAbort = slot().then(decoded);
      void atAbort.finally(() => controller.abort()).catch(() => {});
    }, 1_000);
    try {
      for await (const part of backend.stream({
        conversation: question(),
        maxTokens: 1900,
        route: "raw",
        seed: 1,
        signal: controller.signal,
      })) {
        parts.push(part);
      }
    } finally {
      clearTimeout(timer);
    }
    // The last part in the failure message: an error part shows what went wrong instead of "error ≠ finish".
    const end = parts.at(-1);
    expect(end, JSON.stringify(end && partToJson(end))).toMatchObject({
      type: "finish",
      reason: "aborted",
    });
    const decodedAtAbort = (await atAbort) ?? 0;
    expect(decodedAtAbort).toBeGreaterThan(0);
    // The server noticed the closed connection and freed its slot a few tokens later: promptness counted in
    // work, not time. While it still works, its slot shows how far it got (an idle slot shows 0).
    let last = decodedAtAbort;
    let now = await slot();
    for (let i = 0; i < 500 && now?.is_processing; i++) {
      last = Math.max(last, decoded(now));
      await new Promise((r) => setTimeout(r, 20));
      now = await slot();
    }
    expect(now?.is_processing).toBe(false);
    expect(last - decodedAtAbort).toBeLessThan(50);
  });
});
