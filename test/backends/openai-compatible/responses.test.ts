/** `/v1/responses` against recorded vLLM traffic (fixtures 021 stream, 022 non-stream with a function call). */

import { collectParts, conversation, message, type Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { responsesBody } from "../../../packages/overtone/src/backends/openai-compatible/responses.js";
import { openai, partsOf, recorded, recordedRequest, replay, shapeOf, textOf } from "./openai-replay.js";

const FILE_SEARCH = {
  name: "file_search",
  description: "Search uploaded files for relevant passages.",
  parameters: {
    type: "object",
    properties: { query: { type: "string", description: "Search query." } },
    required: ["query"],
  },
};
const QUESTION = "Use the file_search tool to find information about Rust memory safety ownership.";

describe("vLLM /v1/responses", () => {
  it("streams reasoning_text as analysis and output_text as final, ending at response.completed (021)", async () => {
    const server = await replay(recorded("021-vllm-v1-responses-stream-reasoning.txt"));
    const parts: Part[] = await partsOf(
      openai(server, { flavor: "vllm", api: "responses" }).stream({
        conversation: conversation([message("user", "Reply with exactly one word: HELLO")]),
      }),
    );
    expect(shapeOf(parts)).toEqual(["analysis-start", "analysis-end", "final-start", "final-end", "finish"]);
    // the recording elides reasoning deltas 11–126, so only the first and last ones are here
    expect(textOf(parts, "analysis")).toBe('The user: "Reply with exactly HELLO.');
    expect(textOf(parts, "final")).toBe("HELLO");
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
    expect(server.requests[0]?.json).toMatchObject({
      input: [{ type: "message", role: "user", content: "Reply with exactly one word: HELLO" }],
      stream: true,
      temperature: 1,
      top_p: 1,
    });
  });

  it("reads a function_call item, and sends the round back as function_call + function_call_output (022)", async () => {
    const server = await replay(
      recorded("022-vllm-v1-responses-nonstream-function-call.txt", 0),
      recorded("022-vllm-v1-responses-nonstream-function-call.txt", 1),
    );
    const backend = openai(server, { flavor: "vllm", api: "responses", streaming: false });
    const question = conversation([message("user", QUESTION)]);
    const first = await collectParts(backend.stream({ conversation: question, tools: [FILE_SEARCH] }));
    expect(first.analysis).toMatch(/^We need to use the file_search tool/);
    expect(first.toolCalls).toEqual([
      expect.objectContaining({
        recipient: "functions.file_search",
        arguments: '{"query":"Rust memory safety ownership"}',
      }),
    ]);
    expect(first.finish).toMatchObject({
      reason: "tool-calls",
      usage: { inputTokens: 137, outputTokens: 106 },
    });

    const recordedTurn2 = recordedRequest("022-vllm-v1-responses-nonstream-function-call.txt", 1);
    const output = (recordedTurn2.input as { output?: string }[])[2]?.output ?? "";
    const history = conversation([
      ...question.messages,
      ...first.messages,
      message("tool", output, { name: "functions.file_search", channel: "commentary" }),
    ]);
    const second = await collectParts(backend.stream({ conversation: history, tools: [FILE_SEARCH] }));
    expect(second.final).not.toBe("");
    const sent = server.requests[1]?.json as { input: Record<string, unknown>[]; tools: unknown };
    const [user, reasoning, call, result] = sent.input;
    expect(user).toEqual((recordedTurn2.input as unknown[])[0]);
    expect(reasoning).toMatchObject({ type: "reasoning" }); // we send the chain of thought back; the recorded client did not
    expect(call).toMatchObject({
      type: "function_call",
      name: "file_search",
      arguments: '{"query":"Rust memory safety ownership"}',
    });
    expect(result).toEqual({
      type: "function_call_output",
      call_id: (call as { call_id: string }).call_id,
      output,
    });
    expect(sent.tools).toEqual(recordedTurn2.tools);
  });

  it("leaves out a finished turn's reasoning, where Harmony's renderer drops it", () => {
    const history = conversation([
      message("user", "q1"),
      message("assistant", "old thought", { channel: "analysis" }),
      message("assistant", "a1", { channel: "final" }),
      message("user", "q2"),
    ]);
    const body = responsesBody(
      { conversation: history },
      { flavor: "vllm", model: undefined, stream: false },
    );
    expect(JSON.stringify(body.input)).not.toContain("old thought");
    expect((body.input as unknown[]).length).toBe(3);
  });

  it("passes a response format on as text.format, flat as the Responses API has it", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    const conv = conversation([message("user", "q")]);
    const options = { flavor: "vllm" as const, model: undefined, stream: false };
    expect(responsesBody({ conversation: conv }, options)).not.toHaveProperty("text");
    expect(
      responsesBody({ conversation: conv, responseFormat: { type: "json_object" } }, options).text,
    ).toEqual({
      format: { type: "json_object" },
    });
    const body = responsesBody(
      { conversation: conv, responseFormat: { type: "json_schema", name: "n", schema, strict: true } },
      options,
    );
    expect(body.text).toEqual({ format: { type: "json_schema", name: "n", schema, strict: true } });
  });
});
