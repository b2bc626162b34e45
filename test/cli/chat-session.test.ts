/**
 * ChatSession against the Ollama backend and replayed Ollama traffic (test/replay): the recorded two-turn tool
 * exchange 003 (thinking, a weather call, "40 C", the answer), the thinking stream 001, the HTTP 500 of 009.
 * What the server received shows what the history and the effort became on the wire.
 */

import {
  conversation,
  type Message,
  message,
  type Part,
  renderConversationForCompletionText,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { createOllama } from "../../packages/overtone/src/backends/index.js";
import { conversationStart } from "../../packages/overtone/src/cli/backend-flags.js";
import { runChatCommand } from "../../packages/overtone/src/cli/chat/chat-commands.js";
import { ChatRenderer } from "../../packages/overtone/src/cli/chat/chat-renderer.js";
import { ChatSession, type ToolCallRequest } from "../../packages/overtone/src/cli/chat/chat-session.js";
import { recorded, replay, WEATHER_TOOL } from "../replay/replay-kit.js";
import type { ReplayServer } from "../replay/replay-server.js";

const SHOW = "007-ollama-api-show-gptoss.txt";
const TOOL_TURNS = "003-ollama-api-chat-stream-toolcall.txt";
const THINKING = "001-ollama-api-chat-stream-thinking.txt";

function session(server: ReplayServer, tools = [WEATHER_TOOL]) {
  const backend = createOllama({ baseURL: server.url, model: "gpt-oss:20b" });
  return new ChatSession({ backend, start: conversationStart({ tools }), effort: "medium" });
}

type Body = { think?: string; messages: Array<Record<string, unknown>> };
const bodyOf = (server: ReplayServer, index: number) => server.requests[index]?.json as Body;

/** Runs a turn to its end: the parts, how it ended, and what was shown before each tool result was asked. */
async function runTurn(
  chat: ChatSession,
  text: string,
  options: { results?: (string | undefined)[]; signal?: AbortSignal; onPart?: (part: Part) => void } = {},
) {
  const parts: Part[] = [];
  const asked: { call: ToolCallRequest; shownBefore: Part[] }[] = [];
  const results = [...(options.results ?? [])];
  const turn = chat.turn(text, {
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    toolResult: async (call) => {
      asked.push({ call, shownBefore: [...parts] });
      return results.shift();
    },
  });
  for (;;) {
    const step = await turn.next();
    if (step.done) return { parts, asked, outcome: step.value };
    parts.push(step.value);
    options.onPart?.(step.value);
  }
}

const shape = (m: Message) => ({
  role: m.author.role,
  ...(m.author.name !== undefined ? { name: m.author.name } : {}),
  ...(m.channel !== undefined ? { channel: m.channel } : {}),
  ...(m.recipient !== undefined ? { recipient: m.recipient } : {}),
});

describe("ChatSession", () => {
  it("asks for a tool's result after the call streamed, continues the turn, and keeps it whole", async () => {
    const server = await replay(recorded(SHOW), recorded(TOOL_TURNS, 0), recorded(TOOL_TURNS, 1));
    const chat = session(server);
    const { parts, asked, outcome } = await runTurn(chat, "What's the weather in Florence,Italy?", {
      results: ["40 C"],
    });

    expect(asked).toHaveLength(1);
    expect(asked[0]?.call).toEqual({
      recipient: "functions.weather",
      arguments: '{"location":"Florence, Italy"}',
    });
    // The call and its finish were out before the question, so the user sees what is asked.
    expect(asked[0]?.shownBefore.at(-1)).toMatchObject({ type: "finish", reason: "tool-calls" });
    expect(asked[0]?.shownBefore.some((p) => p.type === "tool-call-end")).toBe(true);
    expect(outcome).toMatchObject({ kept: true, finish: { reason: "stop" } });
    expect(parts.filter((p) => p.type === "finish").map((p) => p.type === "finish" && p.reason)).toEqual([
      "tool-calls",
      "stop",
    ]);

    expect(chat.history.map(shape)).toEqual([
      { role: "user" },
      { role: "assistant", channel: "analysis" },
      { role: "assistant", channel: "commentary", recipient: "functions.weather" },
      { role: "tool", name: "functions.weather", channel: "commentary", recipient: "assistant" },
      { role: "assistant", channel: "analysis" },
      { role: "assistant", channel: "final" },
    ]);
    // On the wire: the continuation carried the call (with its reasoning) and the tool's answer.
    const continuation = bodyOf(server, 2).messages;
    expect(continuation.at(-1)).toEqual({ role: "tool", content: "40 C", tool_name: "weather" });
    expect(continuation.at(-2)).toMatchObject({
      role: "assistant",
      thinking: 'We need to call weather function with location "Florence, Italy".',
    });

    // The history holds the real messages; rendering the next turn drops this turn's analysis, as Harmony says.
    const next = renderConversationForCompletionText(
      conversation([
        ...conversationStart({ tools: [WEATHER_TOOL] }),
        ...chat.history,
        message("user", "Thanks"),
      ]),
      "assistant",
    );
    expect(next).toContain("40 C");
    expect(next).toContain("Mostly sunny with a light breeze.");
    expect(next).not.toContain("We need to call weather function");
    expect(next).not.toContain("The function returned");
  });

  it("sends the effort set between turns, with the earlier turn in the history; /stats and /reset see it", async () => {
    const server = await replay(recorded(SHOW), recorded(THINKING), recorded(THINKING));
    const chat = session(server, []);
    await runTurn(chat, "Say hi in Portuguese");
    const renderer = new ChatRenderer({ color: false });
    runChatCommand({ name: "effort", value: "high" }, { session: chat, renderer });
    await runTurn(chat, "Again, please");

    expect(bodyOf(server, 1).think).toBe("medium");
    expect(bodyOf(server, 2).think).toBe("high");
    const roles = bodyOf(server, 2).messages.map((m) => m.role);
    // Ollama takes a turn's analysis and answer as one assistant message (thinking + content).
    expect(roles).toEqual(["user", "assistant", "user"]);
    expect(bodyOf(server, 2).messages[0]?.content).toBe("Say hi in Portuguese");

    // The recording's last line reports 84 prompt tokens and 36 generated.
    const [stats = ""] = runChatCommand({ name: "stats" }, { session: chat, renderer }).lines;
    expect(stats).toMatch(
      /^history: 6 messages, effort high; last request: 84 prompt tokens, 36 output tokens/,
    );
    expect(runChatCommand({ name: "reset" }, { session: chat, renderer }).lines).toEqual([
      "conversation cleared (6 messages forgotten)",
    ]);
    expect(chat.history).toEqual([]);
  });

  it("an interrupted turn ends with finish: aborted, cancels the request and leaves the history as it was", async () => {
    const server = await replay(recorded(SHOW), recorded(THINKING), recorded(THINKING, 0, { hold: true }));
    const chat = session(server, []);
    await runTurn(chat, "Say hi in Portuguese");
    const before = [...chat.history];

    const controller = new AbortController();
    const { parts, outcome } = await runTurn(chat, "And in French?", {
      signal: controller.signal,
      onPart: (part) => {
        if (part.type === "final-delta") controller.abort();
      },
    });
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "aborted" });
    expect(outcome.kept).toBe(false);
    expect(chat.history).toEqual(before);
    expect((await server.settled(2)).closedEarly).toBe(true);
  });

  it("a declined tool result gives the turn up: finish aborted, nothing kept, no further request", async () => {
    const server = await replay(recorded(SHOW), recorded(TOOL_TURNS, 0));
    const chat = session(server);
    const { parts, outcome } = await runTurn(chat, "What's the weather in Florence,Italy?", {
      results: [undefined],
    });
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "aborted" });
    expect(outcome).toMatchObject({ kept: false, finish: { reason: "aborted" } });
    expect(chat.history).toEqual([]);
    expect(server.requests.map((r) => r.path)).toEqual(["/api/show", "/api/chat"]);
  });

  it("a failed request is reported as an error part and not kept", async () => {
    const server = await replay(
      recorded(SHOW),
      recorded("009-ollama-api-chat-500-toolcall-parse.txt", 0, { path: "/api/chat" }),
    );
    const chat = session(server);
    const { parts, outcome } = await runTurn(chat, "What's the weather in Florence,Italy?");
    expect(parts.at(-1)?.type).toBe("error");
    expect(outcome.kept).toBe(false);
    expect(outcome.error?.message).toMatch(/error parsing tool call/);
    expect(chat.history).toEqual([]);
  });
});
