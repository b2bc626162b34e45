/** vLLM and LM Studio, replayed from recorded traffic (fixtures 020, 023, 040), and server errors (023, 037). */

import { BackendError } from "@overtone/errors";
import {
  collectParts,
  conversation,
  developerContent,
  developerMessage,
  type ErrorPart,
  message,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  openai,
  partsOf,
  portugueseGreeting,
  recorded,
  recordedRequest,
  replay,
  textOf,
} from "./openai-replay.js";

const LMSTUDIO_LOG = "040-lmstudio-v1-chat-nonstream-toolcall.txt";
const SAY_TO_USER = {
  name: "say_to_user",
  description: "Service tool, used by the agent to talk.",
  parameters: {
    type: "object",
    properties: { message: { description: "Message from the agent", type: "string" } },
    required: ["message"],
  },
};

function helpConversation() {
  return conversation([
    systemMessage(systemContent()),
    developerMessage(
      developerContent({ instructions: "You are a helpful assistant. Answer user questions concisely." }),
    ),
    message("user", "Hello! How can you help me?"),
  ]);
}

describe("vLLM", () => {
  it("reads delta.reasoning_content (020, a partial recording: the cut shows as a retryable error)", async () => {
    const server = await replay(
      recorded("020-vllm-v1-chat-stream-reasoning-content.txt", 0, { path: "/v1/chat/completions" }),
    );
    const parts = await partsOf(
      openai(server, { flavor: "vllm" }).stream({ conversation: portugueseGreeting() }),
    );
    expect(textOf(parts, "analysis")).toBe(" need to use the tool");
    const last = parts.at(-1) as ErrorPart;
    expect(last.type).toBe("error");
    expect(last.error).toMatchObject({ retryable: true });
    // vLLM gets the effort as reasoning_effort only, and no llama.cpp sampling fields.
    const sent = server.requests[0]?.json as Record<string, unknown>;
    expect(sent).toMatchObject({ reasoning_effort: "medium", temperature: 1, top_p: 1 });
    expect(sent).not.toHaveProperty("chat_template_kwargs");
    expect(sent).not.toHaveProperty("top_k");
  });

  it("turns a HarmonyError HTTP 500 into a retryable BackendError with status, body and advice (023)", async () => {
    const server = await replay(
      recorded("023-vllm-v1-chat-500-harmonyerror.txt", 0, { path: "/v1/chat/completions" }),
    );
    const parts = await partsOf(
      openai(server, { flavor: "vllm" }).stream({ conversation: portugueseGreeting() }),
    );
    expect(parts).toHaveLength(1);
    const error = (parts[0] as ErrorPart).error as BackendError;
    expect(error).toBeInstanceOf(BackendError);
    expect(error.status).toBe(500);
    expect(error.url).toBe(`${server.url}/v1/chat/completions`);
    expect(error.body).toContain('"type":"InternalServerError"');
    expect(error.message).toContain("Unexpected token 200002 while expecting start token 200006");
    expect(error.retryable).toBe(true);
    expect(error.hint).toMatch(/--reasoning-parser openai_gptoss/);
  });
});

describe("llama-server errors", () => {
  it("turns the peg-native HTTP 500 into a retryable BackendError that suggests the raw route (037)", async () => {
    const server = await replay(
      recorded("037-llamaserver-500-peg-native.txt", 0, { path: "/v1/chat/completions" }),
    );
    const parts = await partsOf(openai(server).stream({ conversation: portugueseGreeting(), route: "chat" }));
    const error = (parts[0] as ErrorPart).error as BackendError;
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(error.message).toContain("does not match the expected peg-native format");
    expect(error.hint).toMatch(/route 'raw'/);
  });
});

describe("LM Studio", () => {
  it("reads message.reasoning and a tool call with a numeric id (040, pair 1)", async () => {
    const server = await replay(
      recorded(LMSTUDIO_LOG, 0, { status: 200, headers: { "content-type": "application/json" } }),
    );
    const backend = openai(server, { flavor: "lmstudio", streaming: false, model: "gpt-oss-20b" });
    const result = await collectParts(
      backend.stream({ conversation: helpConversation(), tools: [SAY_TO_USER] }),
    );
    expect(result.analysis).toBe("User greeting. Need to respond concisely, explain capabilities.");
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ recipient: "functions.say_to_user", contentType: "<|constrain|>json" }),
    ]);
    expect(JSON.parse(result.toolCalls[0]?.arguments ?? "")).toHaveProperty("message");
    expect(result.finish).toMatchObject({
      reason: "tool-calls",
      usage: { inputTokens: 153, outputTokens: 80 },
    });
    const sent = server.requests[0]?.json as Record<string, unknown>;
    const recordedBody = recordedRequest(LMSTUDIO_LOG);
    expect(sent.messages).toEqual(recordedBody.messages);
    expect(sent.tools).toEqual(recordedBody.tools);
    expect(sent).toMatchObject({ model: "gpt-oss-20b", stream: false, temperature: 1, top_p: 1 });
  });

  it("sends the tool result back in LM Studio's shape and reads the answer (040, pair 2)", async () => {
    const server = await replay(
      recorded(LMSTUDIO_LOG, 1, { status: 200, headers: { "content-type": "application/json" } }),
    );
    const history = helpConversation();
    history.messages.push(
      message("assistant", '{"message":"Hello!"}', {
        channel: "commentary",
        recipient: "functions.say_to_user",
        content_type: "<|constrain|>json",
      }),
      message("tool", "DONE", { name: "functions.say_to_user", channel: "commentary" }),
    );
    const backend = openai(server, { flavor: "lmstudio", streaming: false, model: "gpt-oss-20b" });
    const result = await collectParts(backend.stream({ conversation: history, tools: [SAY_TO_USER] }));
    expect(result.final).toMatch(/^Sure! I can help with questions/);
    expect(result.analysis).toMatch(/^The user says: "Hello! How can you help me\?"/);
    expect(result.finish?.reason).toBe("stop"); // `tool_calls: []` is no tool call
    const sent = server.requests[0]?.json as { messages: Record<string, unknown>[] };
    const [call, result_] = sent.messages.slice(2) as [
      { tool_calls: { id: string; function: unknown; type: string }[] },
      Record<string, unknown>,
    ];
    expect(call).toMatchObject({
      role: "assistant",
      tool_calls: [{ type: "function", function: { name: "say_to_user" } }],
    });
    expect(result_).toEqual({ role: "tool", content: "DONE", tool_call_id: call.tool_calls[0]?.id });
  });
});
