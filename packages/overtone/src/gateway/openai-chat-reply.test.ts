import { encodeOrdinary, type Part, type Usage } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { expectNoMarkup, finish, modelMessage, partsOf } from "../../../../test/gateway/parts-fixtures.js";
import { chatCompletionBody, chatUsage, openAIErrorBody } from "./openai-chat-reply.js";
import { GatewayError } from "./protocol.js";

// biome-ignore lint/suspicious/noExplicitAny: chunks and bodies are JSON read back; deep access keeps the assertions readable
type Json = Record<string, any>;

const meta = { id: "chatcmpl-7f3a", created: 1755000000, model: "gpt-oss-20b" };

const usage: Usage = { inputTokens: 84, outputTokens: 31, reasoningTokens: 12 };

const body = (parts: Part[], reasoningField: "reasoning" | "reasoning_content" = "reasoning") =>
  chatCompletionBody(partsOf(parts), meta, { reasoningField }) as Promise<Json>;

async function failure(parts: Part[]): Promise<GatewayError> {
  const error = await body(parts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("chatCompletionBody", () => {
  it("is the §1.2 shape for a tool-only turn: content null, reasoning, one call, tool_calls (rules 1, 6-10)", async () => {
    const reply = await body([
      ...modelMessage("analysis", "m0", ["Need weather ", "for Oslo."]),
      ...modelMessage("tool-call", "m1", ['{"city":', '"Oslo"}']),
      finish("tool-calls", usage),
    ]);
    const id = reply.choices[0].message.tool_calls[0].id;
    expect(id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(reply).toEqual({
      id: "chatcmpl-7f3a",
      object: "chat.completion",
      created: 1755000000,
      model: "gpt-oss-20b",
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          logprobs: null,
          message: {
            role: "assistant",
            content: null,
            refusal: null,
            reasoning: "Need weather for Oslo.",
            tool_calls: [
              { id, type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
            ],
          },
        },
      ],
      usage: {
        prompt_tokens: 84,
        completion_tokens: 31,
        total_tokens: 115,
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
    expect(reply).not.toHaveProperty("system_fingerprint");
  });

  it("puts the reasoning in exactly the configured field, never in content (rule 14)", async () => {
    const parts = [
      ...modelMessage("analysis", "m0", ["Think."]),
      ...modelMessage("final", "m1", ["Answer."]),
      finish("stop", usage),
    ];
    const plain = (await body(parts)).choices[0];
    expect(plain.message).toEqual({
      role: "assistant",
      content: "Answer.",
      refusal: null,
      reasoning: "Think.",
    });
    expect(plain.finish_reason).toBe("stop");
    const compat = (await body(parts, "reasoning_content")).choices[0].message;
    expect(compat).toEqual({
      role: "assistant",
      content: "Answer.",
      refusal: null,
      reasoning_content: "Think.",
    });
  });

  it("sends a commentary preamble as content, next to the call (rule 16)", async () => {
    const reply = await body([
      ...modelMessage("analysis", "m0", ["Plan."]),
      ...modelMessage("commentary", "m1", ["Let me check the weather."]),
      ...modelMessage("tool-call", "m2", ["{}"]),
      finish("tool-calls", usage),
    ]);
    const message_ = reply.choices[0].message;
    expect(message_.content).toBe("Let me check the weather.");
    expect(message_.reasoning).toBe("Plan.");
    expect(reply.choices[0].finish_reason).toBe("tool_calls");
  });

  it("joins several messages of a kind with a blank line", async () => {
    const reply = await body([
      ...modelMessage("analysis", "m0", ["One."]),
      ...modelMessage("analysis", "m1", ["Two."]),
      ...modelMessage("commentary", "m2", ["Pre."]),
      ...modelMessage("final", "m3", ["Post."]),
      finish("stop", usage),
    ]);
    expect(reply.choices[0].message).toMatchObject({ reasoning: "One.\n\nTwo.", content: "Pre.\n\nPost." });
  });

  it("reports length, with the partial reasoning and empty content, when the budget ran out while reasoning (rule 6, §6 item 5)", async () => {
    const reply = await body([
      ...modelMessage("analysis", "m0", ["Still thinking"]).slice(0, 2),
      finish("length", usage),
    ]);
    expect(reply.choices[0].finish_reason).toBe("length");
    expect(reply.choices[0].message.content).toBe("");
    const ended = await body([
      ...modelMessage("analysis", "m0", ["Still thinking"]),
      finish("length", usage),
    ]);
    expect(ended.choices[0].message).toMatchObject({ content: "", reasoning: "Still thinking" });
  });

  it("gives every call its own id and strips functions. (and leaked markup) from names", async () => {
    const reply = await body([
      ...modelMessage("tool-call", "m0", ["{}"]),
      ...modelMessage("tool-call", "m1", ["{}"], { recipient: "functions.write_file<|channel|>commentary" }),
      finish("tool-calls", usage),
    ]);
    const calls = reply.choices[0].message.tool_calls;
    expect(calls.map((c: Json) => c.function.name)).toEqual(["get_weather", "write_file"]);
    expect(new Set(calls.map((c: Json) => c.id)).size).toBe(2);
  });

  it("finishes with stop, not tool_calls, when a malformed call named no tool (no call was sent)", async () => {
    const reply = await body([
      ...modelMessage("commentary", "m0", ['{"city":"Oslo"}'], { terminator: "call" }),
      finish("tool-calls", usage),
    ]);
    expect(reply.choices[0]).toMatchObject({
      finish_reason: "stop",
      message: { content: '{"city":"Oslo"}' },
    });
    expect(reply.choices[0].message).not.toHaveProperty("tool_calls");
  });

  it("never sends Harmony markup in any text field (rule 15)", async () => {
    const reply = await body([
      ...modelMessage("analysis", "m0", ["Think<|end|>"]),
      ...modelMessage("final", "m1", [
        "Hi<|end|><|start|>assistant<|channel|>final<|message|>there<|return|>",
      ]),
      ...modelMessage("tool-call", "m2", ['{"a":1}<|call|>']),
      finish("tool-calls", usage),
    ]);
    expectNoMarkup(JSON.stringify(reply));
    expect(reply.choices[0].message).toMatchObject({ content: "Hithere", reasoning: "Think" });
  });

  it("turns an error part into a 502 upstream_error, and keeps a GatewayError as it is", async () => {
    const error = await failure([
      ...modelMessage("final", "m0", ["partial"]),
      { type: "error", error: new Error("connection reset") },
    ]);
    expect(error).toMatchObject({
      status: 502,
      type: "server_error",
      code: "upstream_error",
      message: "connection reset",
    });
    const busy = new GatewayError(429, "slow down", { retryAfterSeconds: 2 });
    expect(await failure([{ type: "error", error: busy }])).toBe(busy);
  });

  it("treats a failed or aborted finish, or no finish at all, as an upstream error", async () => {
    expect(await failure([finish("error", usage)])).toMatchObject({ status: 502, code: "upstream_error" });
    const withNotice: Part = { type: "finish", reason: "error", notice: "the model crashed" };
    expect((await failure([withNotice])).message).toBe("the model crashed");
    expect(await failure([finish("aborted", usage)])).toMatchObject({ status: 502 });
    expect((await failure(modelMessage("final", "m0", ["x"]))).message).toContain("without a finish");
  });
});

describe("chatUsage (rule 12)", () => {
  it("adds cached tokens when the backend knows them", () => {
    expect(
      chatUsage({ inputTokens: 75, outputTokens: 38, reasoningTokens: 27, cachedInputTokens: 64 }, ""),
    ).toEqual({
      prompt_tokens: 75,
      completion_tokens: 38,
      total_tokens: 113,
      completion_tokens_details: { reasoning_tokens: 27 },
      prompt_tokens_details: { cached_tokens: 64 },
    });
  });

  it("counts the reasoning text when the backend does not, within the output tokens", () => {
    const text = "The user wants the weather in Oslo; call the tool.";
    const counted = encodeOrdinary(text).length;
    expect(counted).toBeGreaterThan(5);
    expect(chatUsage({ inputTokens: 10, outputTokens: 100 }, text).completion_tokens_details).toEqual({
      reasoning_tokens: counted,
    });
    expect(chatUsage({ inputTokens: 10, outputTokens: 3 }, text).completion_tokens_details).toEqual({
      reasoning_tokens: 3,
    });
  });

  it("is zeros without usage from the backend", () => {
    expect(chatUsage(undefined, "x")).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});

describe("openAIErrorBody (rule 22)", () => {
  it("has message, type, param and code, null when unknown", () => {
    expect(
      openAIErrorBody(
        new GatewayError(400, "temperature must be a number from 0 to 2", { param: "temperature" }),
      ),
    ).toEqual({
      error: {
        message: "temperature must be a number from 0 to 2",
        type: "invalid_request_error",
        param: "temperature",
        code: null,
      },
    });
    expect(
      openAIErrorBody(new GatewayError(404, "model 'x' not found", { code: "model_not_found" })),
    ).toEqual({
      error: {
        message: "model 'x' not found",
        type: "not_found_error",
        param: null,
        code: "model_not_found",
      },
    });
  });
});
