import {
  conversation,
  developerContent,
  developerMessage,
  message,
  renderConversationForCompletionText,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { explainEmptyAnswer } from "./checked-parts.js";
import {
  chooseRoute,
  classifyContentStart,
  confirmsStrippedHarmony,
  conversationForRendering,
  effortFields,
  openAISampling,
  reasoningOf,
  requestedEffort,
} from "./gpt-oss-profile.js";

describe("gpt-oss profile (OpenAI-compatible parts)", () => {
  it("always sends T=1/top_p=1, and turns off llama-server's own top_k/min_p", () => {
    const request = { conversation: conversation([]) };
    expect(openAISampling(request, "vllm")).toEqual({ temperature: 1, top_p: 1 });
    expect(openAISampling(request, "llama-server")).toEqual({ temperature: 1, top_p: 1, top_k: 0, min_p: 0 });
    expect(openAISampling({ ...request, temperature: 0.3, seed: 4 }, "vllm")).toEqual({
      temperature: 0.3,
      top_p: 1,
      seed: 4,
    });
  });

  it("takes the effort from the request, else from the system message, and says it per server", () => {
    const conv = conversation([systemMessage(systemContent({ reasoning_effort: "Low" }))]);
    expect(requestedEffort({ conversation: conv })).toBe("low");
    expect(requestedEffort({ conversation: conv, effort: "high" })).toBe("high");
    expect(requestedEffort({ conversation: conversation([]) })).toBeUndefined();
    expect(effortFields("high", "llama-server")).toEqual({
      reasoning_effort: "high",
      chat_template_kwargs: { reasoning_effort: "high" },
    });
    expect(effortFields("high", "vllm")).toEqual({ reasoning_effort: "high" });
    expect(effortFields(undefined, "vllm")).toEqual({});
  });

  it("reads reasoning from whichever field the server used", () => {
    expect(reasoningOf({ reasoning_content: "a" })).toBe("a");
    expect(reasoningOf({ reasoning: "b" })).toBe("b");
    expect(reasoningOf({ thinking: "c" })).toBe("c");
    expect(reasoningOf({ content: "d", reasoning: null })).toBeUndefined();
  });

  it("routes auto to raw only when the server takes token ids and the vocabulary is gpt-oss's", () => {
    expect(chooseRoute(undefined, { rawAvailable: true, harmonyVocabulary: true })).toBe("raw");
    expect(chooseRoute("auto", { rawAvailable: true, harmonyVocabulary: false })).toBe("chat");
    expect(chooseRoute("auto", { rawAvailable: false, harmonyVocabulary: true })).toBe("chat");
    expect(chooseRoute("chat", { rawAvailable: true, harmonyVocabulary: true })).toBe("chat");
  });

  it("renders a raw prompt with the request's effort and tools, adding a system message when missing", () => {
    const request = {
      conversation: conversation([
        developerMessage(developerContent({ instructions: "Hi." })),
        message("user", "q"),
      ]),
      effort: "low" as const,
      tools: [{ name: "w", description: "weather" }],
    };
    const text = renderConversationForCompletionText(conversationForRendering(request), "assistant");
    expect(text).toMatch(/^<\|start\|>system<\|message\|>You are ChatGPT/);
    expect(text).toContain("Reasoning: low");
    expect(text).toContain("namespace functions {");
    expect(text).toContain("type w = () => any;");
    expect(text.endsWith("<|start|>assistant")).toBe(true);
  });

  it("classifies the start of content: markup, maybe-stripped, plain, too short", () => {
    expect(classifyContentStart("<|channel|>analysis")).toBe("harmony");
    expect(classifyContentStart("  <|cha")).toBe("undecided");
    expect(classifyContentStart("analysisWe need")).toBe("stripped");
    expect(classifyContentStart("anal")).toBe("undecided");
    expect(classifyContentStart("Hello")).toBe("plain");
    expect(confirmsStrippedHarmony("analysisHm.assistantfinal4")).toBe(true);
    expect(confirmsStrippedHarmony("analysis of sales")).toBe(false);
    // A lone stripped call (Rapid-MLX#480): `commentary to=functions.get_weather json{"city":"Paris"}`.
    expect(classifyContentStart("commentary to=functions.get_weather")).toBe("stripped");
    expect(classifyContentStart("commen")).toBe("undecided");
    expect(classifyContentStart("commentary on the results")).toBe("plain");
    expect(confirmsStrippedHarmony('commentary to=functions.get_weather json{"city":"Paris"}')).toBe(true);
  });

  it("explains an empty answer by what the stream shows", () => {
    expect(
      explainEmptyAnswer({ reason: "length", sawReasoning: true, sawAnswer: false, maxTokens: 10 }),
    ).toMatch(/truncated by the token budget \(maxTokens 10\) while the model was still reasoning/);
    expect(explainEmptyAnswer({ reason: "stop", sawReasoning: true, sawAnswer: false })).toMatch(
      /after reasoning/,
    );
    expect(
      explainEmptyAnswer({ reason: "stop", sawReasoning: false, sawAnswer: false, outputTokens: 12 }),
    ).toMatch(/template/);
    expect(explainEmptyAnswer({ reason: "stop", sawReasoning: true, sawAnswer: true })).toBeUndefined();
    expect(explainEmptyAnswer({ reason: "aborted", sawReasoning: false, sawAnswer: false })).toBeUndefined();
  });
});
