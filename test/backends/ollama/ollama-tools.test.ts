/** Tool calls through `/api/chat`: a whole round trip against the recorded two-turn exchanges 003 and 004. */

import {
  collectParts,
  conversation,
  developerContent,
  developerMessage,
  message,
  systemContent,
  systemMessage,
  withFunctionTools,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { loadWireFixture, requestJson } from "../../replay/wire-fixture.js";
import { ollama, recorded, replay, WEATHER_TOOL } from "./ollama-replay.js";

type Body = { messages: Array<Record<string, unknown>>; tools?: unknown[] };

function weatherConversation() {
  return conversation([
    systemMessage(systemContent({ reasoning_effort: "High" })),
    developerMessage(
      withFunctionTools(developerContent({ instructions: "You are a helpful assistant" }), [WEATHER_TOOL]),
    ),
    message("user", "What's the weather in Florence,Italy?"),
  ]);
}

describe("Ollama tool calls", () => {
  for (const file of [
    "003-ollama-api-chat-stream-toolcall.txt",
    "004-ollama-api-chat-nonstream-toolcall.txt",
  ]) {
    it(`runs call → tool result → answer, sending the history Ollama's template expects (${file.slice(0, 3)})`, async () => {
      const recordedTurn2 = requestJson(loadWireFixture(file).exchanges[1]?.request) as Body;
      const server = await replay(
        recorded(file, 0, {
          // The tools as the recorded client declared them (same JSON, whatever the key order).
          expect: (body) => {
            expect((body as Body).tools).toEqual(
              (requestJson(loadWireFixture(file).exchanges[0]?.request) as Body).tools,
            );
            return undefined;
          },
        }),
      );
      const backend = ollama(server);
      const turn1 = await collectParts(
        backend.stream({ conversation: weatherConversation(), route: "chat" }),
      );
      expect(turn1.toolCalls).toEqual([
        {
          id: "msg-1",
          recipient: "functions.weather",
          channel: "commentary",
          contentType: "<|constrain|>json",
          arguments: '{"location":"Florence, Italy"}',
        },
      ]);
      expect(turn1.finish?.reason).toBe("tool-calls");
      expect(turn1.finish?.notice).toBeUndefined();
      expect((server.requests[0]?.json as { think?: string } | undefined)?.think).toBe("high");

      const history = conversation([
        ...weatherConversation().messages,
        ...turn1.messages,
        message("tool", "40 C", { name: "functions.weather", recipient: "assistant", channel: "commentary" }),
      ]);
      server.add(
        recorded(file, 1, {
          expect: (body) => {
            const [, , assistant, tool] = (body as Body).messages;
            const [, , recordedAssistant, recordedTool] = recordedTurn2.messages;
            // Ollama reads the tool result by tool_name; the call's arguments go back as an object.
            expect(tool).toEqual({
              role: "tool",
              content: recordedTool?.content,
              tool_name: recordedTool?.tool_name,
            });
            const recordedCall = (
              recordedAssistant?.tool_calls as Array<{ function: unknown }> | undefined
            )?.[0]?.function;
            expect(assistant).toEqual({
              role: "assistant",
              content: "",
              // The reasoning goes back as `thinking` (the recorded client put it in `content`, where Ollama's
              // template renders it as a final answer).
              thinking: turn1.analysis,
              tool_calls: [{ function: recordedCall }],
            });
            return undefined;
          },
        }),
      );
      const turn2 = await collectParts(backend.stream({ conversation: history, route: "chat" }));
      expect(turn2.final).toMatch(/40/);
      expect(turn2.finish?.reason).toBe("stop");
      expect(server.requests).toHaveLength(2);
    });
  }
});
