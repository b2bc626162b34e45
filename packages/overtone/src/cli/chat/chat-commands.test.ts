import { describe, expect, it } from "vitest";
import { createOllama } from "../../backends/index.js";
import { CHAT_HELP, parseChatLine, runChatCommand } from "./chat-commands.js";
import { ChatRenderer } from "./chat-renderer.js";
import { ChatSession } from "./chat-session.js";

/** Commands never reach the backend: a session on an address nothing listens on is enough. */
function target() {
  const backend = createOllama({ baseURL: "http://127.0.0.1:9", model: "gpt-oss:20b" });
  const session = new ChatSession({ backend, start: [], effort: "medium" });
  return { session, renderer: new ChatRenderer({ color: false }) };
}

describe("parseChatLine", () => {
  it("tells messages, empty lines and commands apart", () => {
    expect(parseChatLine("  ")).toEqual({ type: "empty" });
    expect(parseChatLine("What is 2 + 2?")).toEqual({ type: "message", text: "What is 2 + 2?" });
    expect(parseChatLine("/effort HIGH")).toEqual({
      type: "command",
      command: { name: "effort", value: "high" },
    });
    expect(parseChatLine("/effort")).toEqual({ type: "command", command: { name: "effort" } });
    expect(parseChatLine(" /reasoning off ")).toEqual({
      type: "command",
      command: { name: "reasoning", value: false },
    });
    for (const exit of ["/exit", "/quit", "/bye"]) {
      expect(parseChatLine(exit)).toEqual({ type: "command", command: { name: "exit" } });
    }
  });

  it("sends a line starting with // as a message that starts with /", () => {
    expect(parseChatLine("//usr/bin is where?")).toEqual({ type: "message", text: "/usr/bin is where?" });
  });

  it("turns a wrong command into one line that says what to type", () => {
    const hint = (line: string) => {
      const parsed = parseChatLine(line);
      return parsed.type === "command" && parsed.command.name === "invalid" ? parsed.command.message : "";
    };
    expect(hint("/efort high")).toBe(
      "unknown command /efort; /help lists the commands (//efort sends it as text)",
    );
    expect(hint("/effort max")).toBe('/effort: unknown effort "max"; use low, medium, high');
    expect(hint("/reasoning maybe")).toBe('/reasoning: expected on or off, found "maybe"');
    expect(hint("/reset now")).toBe("/reset takes no argument");
    expect(hint("/effort low high")).toBe("/effort takes one argument at most");
  });
});

describe("runChatCommand", () => {
  it("/effort shows the effort and changes it for the next turns", () => {
    const t = target();
    expect(runChatCommand({ name: "effort" }, t).lines).toEqual(["effort: medium (/effort low|medium|high)"]);
    expect(runChatCommand({ name: "effort", value: "high" }, t)).toEqual({
      lines: ["effort: high from the next turn"],
      exit: false,
    });
    expect(t.session.effort).toBe("high");
  });

  it("/reasoning switches the renderer's reasoning stream", () => {
    const t = target();
    expect(runChatCommand({ name: "reasoning", value: false }, t).lines).toEqual(["reasoning: hidden"]);
    expect(t.renderer.reasoning).toBe(false);
    expect(runChatCommand({ name: "reasoning" }, t).lines).toEqual(["reasoning: hidden"]);
    runChatCommand({ name: "reasoning", value: true }, t);
    expect(t.renderer.reasoning).toBe(true);
  });

  it("/exit leaves, /help lists every command, /stats before any turn says so", () => {
    const t = target();
    expect(runChatCommand({ name: "exit" }, t)).toEqual({ lines: [], exit: true });
    const help = runChatCommand({ name: "help" }, t).lines.join("\n");
    expect(help).toBe(CHAT_HELP);
    for (const name of ["/effort", "/reasoning", "/reset", "/stats", "/exit", "//"])
      expect(help).toContain(name);
    expect(runChatCommand({ name: "stats" }, t).lines).toEqual([
      "history: 0 messages, effort medium; no turn yet",
    ]);
  });
});
