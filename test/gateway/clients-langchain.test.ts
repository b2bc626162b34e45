/**
 * LangChain.js, unchanged, against the gateway serving the embedded toy gpt-oss (gateway.md §5, §6 items 4 and 13,
 * rules 40 and 50): `ChatOpenAI` from `@langchain/openai` 1.5.8 (the last on Node 20) on /v1/chat/completions and
 * `ChatOllama` from `@langchain/ollama` 1.3 on /api/chat. LangChain is the pickiest of the common clients in ways
 * the others forgive: ChatOpenAI reads reasoning only from `reasoning_content` and needs `role` on the first
 * streamed delta to keep tool-call chunks; ChatOllama types `think` as a boolean, stringifies tool arguments
 * itself and sums usage counters over every line. Greedy sampling, so the toy's answers repeat; what is asserted
 * is what LangChain ends up holding, not the toy's arithmetic.
 */
import type { AIMessageChunk } from "@langchain/core/messages";
import { concat } from "@langchain/core/utils/stream";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedded } from "../../packages/overtone/src/backends/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../support/toy-model.js";
import { ASK_WEATHER, type RunningGateway, startGateway, WEATHER_TOOL } from "./gateway-harness.js";

let running: RunningGateway;
let backend: ReturnType<typeof createEmbedded>;

beforeAll(async () => {
  backend = createEmbedded({ model: await toyModelPath(), contextSize: 4096 });
  await backend.ready();
  // One backend under two names: "toy" with the default `reasoning` field, "toy-rc" with the per-model
  // `reasoning_content` compatibility mode that §6 item 4 offers LangChain.
  running = await startGateway([
    { name: "toy", backend },
    { name: "toy-rc", backend, reasoningField: "reasoning_content" },
  ]);
}, 120_000);
afterAll(async () => {
  await running?.close();
  await backend?.close();
  await disposeEngineLlama();
});

const ASK_SUM = "What is 12 + 7?";

function chatOpenAI(model: string): ChatOpenAI {
  return new ChatOpenAI({
    configuration: { baseURL: `${running.base}/v1` },
    apiKey: "unused",
    model,
    temperature: 0,
    maxRetries: 0,
  });
}

describe("LangChain ChatOpenAI against the gateway on the embedded toy model", () => {
  it("gets the answer, and its reasoning only when the model's field is reasoning_content (§6 item 4)", async () => {
    const plain = await chatOpenAI("toy").invoke(ASK_SUM);
    expect(typeof plain.content).toBe("string");
    expect(String(plain.content).trim()).not.toBe("");
    expect(String(plain.content)).not.toContain("<|");
    // The default field is `reasoning`, which ChatOpenAI does not read (converters/completions.ts copies only
    // `reasoning_content`): the reasoning is not lost on the wire, LangChain just drops it.
    expect(plain.additional_kwargs.reasoning_content).toBeUndefined();

    const compat = await chatOpenAI("toy-rc").invoke(ASK_SUM);
    expect(String(compat.content).trim()).not.toBe("");
    const reasoning = compat.additional_kwargs.reasoning_content;
    expect(typeof reasoning).toBe("string");
    expect(String(reasoning).trim()).not.toBe("");
    expect(String(reasoning)).not.toContain("<|");
    // Same greedy toy, same prompt: only the field name differs.
    expect(compat.content).toBe(plain.content);
  });

  it("gets a bound tool's call with parsed arguments", async () => {
    const reply = await chatOpenAI("toy").bindTools([WEATHER_TOOL]).invoke(ASK_WEATHER);
    expect(reply.tool_calls).toHaveLength(1);
    expect(reply.tool_calls?.[0]?.name).toBe("get_weather");
    expect(reply.tool_calls?.[0]?.args).toEqual({ location: "Paris" });
    expect(reply.tool_calls?.[0]?.id).toEqual(expect.any(String));
    expect(reply.response_metadata.finish_reason).toBe("tool_calls");
  });

  it("streams a tool call whose chunks all stay AI chunks, so none are lost (§5 row 1)", async () => {
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await chatOpenAI("toy-rc").bindTools([WEATHER_TOOL]).stream(ASK_WEATHER)) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(1);
    // A first delta without role:"assistant" makes ChatOpenAI build generic ChatMessageChunks, which carry no
    // tool_call_chunks: every chunk being an AI chunk is what shows the role arrived first.
    for (const chunk of chunks) expect(chunk._getType()).toBe("ai");
    const whole = chunks.reduce((a, b) => concat(a, b));
    expect(whole.tool_call_chunks?.length).toBeGreaterThan(0);
    expect(whole.tool_calls).toHaveLength(1);
    expect(whole.tool_calls?.[0]?.name).toBe("get_weather");
    expect(whole.tool_calls?.[0]?.args).toEqual({ location: "Paris" });
    expect(String(whole.additional_kwargs.reasoning_content ?? "").trim()).not.toBe("");
    // ChatOpenAI asks for stream usage by default; the usage chunk (choices: []) still reaches it.
    expect(whole.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });
});

describe("LangChain ChatOllama against the gateway on the embedded toy model", () => {
  function chatOllama(think?: boolean): ChatOllama {
    return new ChatOllama({
      baseUrl: running.base,
      model: "toy",
      temperature: 0,
      ...(think !== undefined ? { think } : {}),
    });
  }

  it("answers with think: true (a boolean, §6 item 13) and the thinking in reasoning_content", async () => {
    const reply = await chatOllama(true).invoke(ASK_SUM);
    expect(String(reply.content).trim()).not.toBe("");
    expect(String(reply.content)).not.toContain("<|");
    const reasoning = reply.additional_kwargs.reasoning_content;
    expect(String(reasoning ?? "").trim()).not.toBe("");
    expect(String(reasoning)).not.toContain("<|");
    // ChatOllama always streams and sums prompt_eval_count / eval_count over every line (§4.1): its usage
    // equals the final line's counters only when no other line carries them.
    const usage = reply.usage_metadata;
    expect(usage?.output_tokens).toBeGreaterThan(0);
    expect(usage?.output_tokens).toBe(reply.response_metadata.eval_count);
    expect(usage?.input_tokens).toBe(reply.response_metadata.prompt_eval_count);
    expect(reply.response_metadata.done).toBe(true);
  });

  it("gets a bound tool's call with the original arguments object, not double-encoded (rule 40)", async () => {
    const reply = await chatOllama().bindTools([WEATHER_TOOL]).invoke(ASK_WEATHER);
    expect(reply.tool_calls).toHaveLength(1);
    expect(reply.tool_calls?.[0]?.name).toBe("get_weather");
    // ChatOllama runs JSON.stringify on the arguments and parses them back: string arguments would come out
    // as a string here, an object comes out as the same object.
    expect(reply.tool_calls?.[0]?.args).toEqual({ location: "Paris" });
    expect(reply.usage_metadata?.output_tokens).toBe(reply.response_metadata.eval_count);
    expect(reply.usage_metadata?.input_tokens).toBe(reply.response_metadata.prompt_eval_count);
  });
});
