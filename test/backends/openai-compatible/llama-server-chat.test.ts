/** llama-server's Chat Completions, replayed from recorded traffic (fixtures 030–035; build b7010/b9554). */

import { BackendError } from "@overtone/errors";
import { collectParts, type ErrorPart, type FinishPart, message } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  openai,
  partsOf,
  portugueseGreeting,
  recorded,
  recordedRequest,
  replay,
  shapeOf,
  textOf,
  WEATHER_TOOL,
  weatherQuestion,
} from "./openai-replay.js";

describe("llama-server /v1/chat/completions", () => {
  it("streams reasoning_content as analysis, content as final, then usage and timings (031)", async () => {
    const server = await replay(recorded("031-llamaserver-v1-chat-stream.txt"));
    const parts = await partsOf(openai(server).stream({ conversation: portugueseGreeting(), route: "chat" }));

    expect(shapeOf(parts)).toEqual(["analysis-start", "analysis-end", "final-start", "final-end", "finish"]);
    expect(textOf(parts, "analysis")).toMatch(/^The user: "Say hi in Portuguese"\. They want/);
    expect(textOf(parts, "analysis")).toMatch(/We'll respond\.$/);
    expect(textOf(parts, "final")).toBe("Olá!");
    const finish = parts.at(-1) as FinishPart;
    expect(finish.reason).toBe("stop");
    expect(finish.usage).toEqual({ inputTokens: 84, outputTokens: 57 });
    expect(finish.timings).toMatchObject({ promptMs: 8.996, generationMs: 484.01 });
    expect(finish.timings?.firstTokenMs).toBeGreaterThan(0);
    expect(finish.notice).toBeUndefined();
    const end = parts.find((p) => p.type === "final-end");
    expect(end && "message" in end ? end.message : undefined).toEqual({
      author: { role: "assistant" },
      channel: "final",
      content: [{ type: "text", text: "Olá!" }],
    });
    expect(end && "terminator" in end ? end.terminator : undefined).toBe("return");
  });

  it("sends the recorded client's messages plus gpt-oss sampling, usage in the stream, and the budget", async () => {
    const server = await replay(recorded("031-llamaserver-v1-chat-stream.txt"));
    await partsOf(
      openai(server).stream({ conversation: portugueseGreeting(), route: "chat", maxTokens: 4000 }),
    );
    const sent = server.requests[0]?.json as Record<string, unknown>;
    const recordedBody = recordedRequest("031-llamaserver-v1-chat-stream.txt");
    expect(sent.messages).toEqual(recordedBody.messages);
    expect(sent).toMatchObject({
      model: "openai/gpt-oss-20b",
      stream: true,
      stream_options: { include_usage: true },
      temperature: 1,
      top_p: 1,
      top_k: 0,
      min_p: 0,
      max_tokens: 4000,
      // the system message's effort (Medium) goes both ways llama-server reads it
      reasoning_effort: "medium",
      chat_template_kwargs: { reasoning_effort: "medium" },
    });
  });

  it("reads a non-streamed answer into the same parts (030)", async () => {
    const server = await replay(recorded("030-llamaserver-v1-chat-nonstream.txt"));
    const backend = openai(server, { streaming: false });
    const result = await collectParts(backend.stream({ conversation: portugueseGreeting(), route: "chat" }));
    expect(result.analysis).toMatch(/^The user says: "Say hi in Portuguese"/);
    expect(result.final).toBe("Olá!");
    expect(result.finish?.usage).toEqual({ inputTokens: 84, outputTokens: 47 });
    expect(result.finish?.timings).toMatchObject({ promptMs: 292.377, generationMs: 391.773 });
    expect(server.requests[0]?.json).toMatchObject({ stream: false });
  });

  it("maps streamed tool-call fragments to one tool call to functions.weather (033, turn 1)", async () => {
    const server = await replay(recorded("033-llamaserver-v1-chat-stream-toolcall.txt", 0));
    const parts = await partsOf(
      openai(server).stream({ conversation: weatherQuestion(), tools: [WEATHER_TOOL], route: "chat" }),
    );
    expect(shapeOf(parts)).toEqual([
      "analysis-start",
      "analysis-end",
      "tool-call-start",
      "tool-call-end",
      "finish",
    ]);
    const start = parts.find((p) => p.type === "tool-call-start");
    expect(start).toMatchObject({
      recipient: "functions.weather",
      channel: "commentary",
      contentType: "<|constrain|>json",
    });
    expect(textOf(parts, "tool-call")).toBe('{"location":"Florence, Italy"}');
    const finish = parts.at(-1) as FinishPart;
    expect(finish.reason).toBe("tool-calls");
    expect(finish.usage).toEqual({ inputTokens: 139, outputTokens: 41 });
    // The tool definition as the recorded client sent it (we leave out its `strict: false`).
    const sent = server.requests[0]?.json as { tools: unknown[] };
    const recordedTools = recordedRequest("033-llamaserver-v1-chat-stream-toolcall.txt").tools as {
      function: Record<string, unknown>;
    }[];
    const { strict: _strict, ...definition } = recordedTools[0]?.function ?? {};
    expect(sent.tools).toEqual([{ type: "function", function: definition }]);
  });

  it("sends the tool round back: reasoning_content on the call, the result as role tool (033, turn 2)", async () => {
    const server = await replay(recorded("033-llamaserver-v1-chat-stream-toolcall.txt", 1));
    const first = await collectParts(
      (async function* () {
        // turn 1's parts, as the recorded server gave them, make the history
        const s = await replay(recorded("033-llamaserver-v1-chat-stream-toolcall.txt", 0));
        yield* openai(s).stream({ conversation: weatherQuestion(), tools: [WEATHER_TOOL], route: "chat" });
      })(),
    );
    const history = weatherQuestion();
    history.messages.push(
      ...first.messages,
      message("tool", "40 C", { name: "functions.weather", channel: "commentary" }),
    );
    const result = await collectParts(
      openai(server).stream({ conversation: history, tools: [WEATHER_TOOL], route: "chat" }),
    );
    expect(result.final).toBe("The current weather in Florence, Italy is **40\u202f°C**."); // a narrow no-break space, as recorded
    const sent = server.requests[0]?.json as { messages: Record<string, unknown>[] };
    const recordedMessages = recordedRequest("033-llamaserver-v1-chat-stream-toolcall.txt", 1)
      .messages as Record<string, unknown>[];
    // Same shape as the recorded client's turn 2; only the call id is ours.
    const call = sent.messages[2] as { tool_calls: { id: string }[] };
    const id = call.tool_calls[0]?.id;
    expect(sent.messages).toEqual(
      recordedMessages.map((m) =>
        m.role === "assistant"
          ? { ...m, tool_calls: (m.tool_calls as Record<string, unknown>[]).map((c) => ({ ...c, id })) }
          : m.role === "tool"
            ? { ...m, tool_call_id: id }
            : m,
      ),
    );
  });

  it("reads a non-streamed tool call (032)", async () => {
    const server = await replay(recorded("032-llamaserver-v1-chat-nonstream-toolcall.txt", 0));
    const result = await collectParts(
      openai(server, { streaming: false }).stream({
        conversation: weatherQuestion(),
        tools: [WEATHER_TOOL],
        route: "chat",
      }),
    );
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ recipient: "functions.weather", arguments: '{"location":"Florence,Italy"}' }),
    ]);
    expect(result.finish?.reason).toBe("tool-calls");
    expect(result.final).toBe("");
  });

  it("sends effort high as reasoning_effort and chat_template_kwargs (034)", async () => {
    const server = await replay(recorded("034-llamaserver-v1-chat-stream-effort-high-toolcall.txt", 0));
    const result = await collectParts(
      openai(server).stream({
        conversation: weatherQuestion("Florence, Italy"),
        tools: [WEATHER_TOOL],
        effort: "high",
        route: "chat",
      }),
    );
    const sent = server.requests[0]?.json as Record<string, unknown>;
    expect(sent.reasoning_effort).toBe(
      recordedRequest("034-llamaserver-v1-chat-stream-effort-high-toolcall.txt").reasoning_effort,
    );
    expect(sent.chat_template_kwargs).toEqual({ reasoning_effort: "high" });
    expect(result.toolCalls).toHaveLength(1);
    expect(result.finish?.reason).toBe("tool-calls");
  });

  it("takes cumulative timings from every chunk, and calls a stream cut short a retryable error (035)", async () => {
    const server = await replay(
      recorded("035-llamaserver-v1-chat-stream-timings-every-chunk.txt", 0, {
        status: 200,
        path: "/v1/chat/completions",
      }),
    );
    const parts = await partsOf(openai(server).stream({ conversation: portugueseGreeting(), route: "chat" }));
    expect(textOf(parts, "analysis")).toBe(" it handles");
    const last = parts.at(-1) as ErrorPart;
    expect(last.type).toBe("error");
    expect(last.error).toBeInstanceOf(BackendError);
    expect(last.error).toMatchObject({ retryable: true });
    expect(last.error.message).toMatch(/ended before the server said it was finished/);
  });
});
