/**
 * `overtone chat` in a real terminal: the built CLI runs inside tmux (a pty, 120×40), keys are sent with
 * send-keys and the screen is read with capture-pane (-e keeps the ANSI attributes, so dimming is visible).
 * (a) Ollama replayed from recorded traffic (test/replay): reasoning, a tool call, its result, /effort, Ctrl-C.
 * (b) The embedded engine on the tiny model: turns through real llama.cpp, /stats, /reset, /exit.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { WEATHER_TOOL } from "../replay/replay-kit.js";
import { type ReplayServer, routeFromExchange, startReplayServer } from "../replay/replay-server.js";
import { loadWireFixture } from "../replay/wire-fixture.js";
import { tinyModelPath } from "../support/tiny-models.js";

const TMUX = "/usr/bin/tmux";
const BIN = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));
const DIM = "\x1b[2m";
const work = mkdtempSync(join(tmpdir(), "overtone-chat-tty-"));
const sockets: string[] = [];
const servers: ReplayServer[] = [];

afterAll(async () => {
  for (const socket of sockets) {
    // kill-server leaves the socket file behind; ask tmux where it is first.
    const path = tmux(socket, "display-message", "-p", "#{socket_path}").trim();
    tmux(socket, "kill-server");
    if (path !== "") rmSync(path, { force: true });
  }
  for (const server of servers) await server.close();
  rmSync(work, { recursive: true, force: true });
});

function tmux(socket: string, ...args: string[]): string {
  try {
    return execFileSync(TMUX, ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  } catch (error) {
    if (args[0] === "kill-server" || args[0] === "display-message") return "";
    throw error;
  }
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** The CLI in a fresh tmux server; when it exits the pane shows `[exit N]` and stays for inspection. */
function startChat(args: string[]) {
  const socket = `overtone-chat-${process.pid}-${sockets.length}`;
  sockets.push(socket);
  const command = [
    "env -u NO_COLOR",
    `OVERTONE_CACHE=${quote(join(work, "cache"))}`,
    quote(process.execPath),
    quote(BIN),
    "chat",
    ...args.map(quote),
  ].join(" ");
  tmux(
    socket,
    "new-session",
    "-d",
    "-x",
    "120",
    "-y",
    "40",
    "-s",
    "chat",
    `${command}; echo "[exit $?]"; sleep 600`,
  );
  const screen = (escapes = false) =>
    tmux(socket, "capture-pane", "-p", "-J", "-S", "-400", "-t", "chat", ...(escapes ? ["-e"] : []));
  return {
    screen,
    /** Types text literally (no key names), then Enter unless told otherwise. */
    type: (text: string, enter = true) => {
      tmux(socket, "send-keys", "-t", "chat", "-l", text);
      if (enter) tmux(socket, "send-keys", "-t", "chat", "Enter");
    },
    key: (name: string) => tmux(socket, "send-keys", "-t", "chat", name),
    /** Polls the screen until `test` holds (generous: the machine is shared; nothing here is timed). */
    waitFor: async (test: (screen: string) => boolean, what: string, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

const lines = (screen: string) => screen.split("\n").map((line) => line.trimEnd());
const lastLine = (screen: string) => lines(screen).filter(Boolean).at(-1);
/** The prompt is up, waiting: the last non-empty line is just `›`. */
const atPrompt = (screen: string) => lastLine(screen) === "›";
/** The line of the screen (with escapes) that shows `text`. */
const lineWith = (screen: string, text: string) => lines(screen).find((line) => line.includes(text)) ?? "";

function route(file: string, index: number, options: Parameters<typeof routeFromExchange>[1] = {}) {
  const exchange = loadWireFixture(file).exchanges[index];
  if (exchange === undefined) throw new Error(`${file} has no exchange ${index}`);
  return routeFromExchange(exchange, { delayMs: 10, ...options });
}

describe("overtone chat in a terminal, against replayed Ollama traffic", () => {
  it("streams dim reasoning, shows the tool call, asks for its result, obeys /effort and Ctrl-C", async () => {
    const toolCall = "003-ollama-api-chat-stream-toolcall.txt";
    const thinking = "001-ollama-api-chat-stream-thinking.txt";
    const server = await startReplayServer([
      route("007-ollama-api-show-gptoss.txt", 0),
      route(toolCall, 0),
      route(toolCall, 1),
    ]);
    servers.push(server);
    const tools = join(work, "tools.json");
    writeFileSync(tools, JSON.stringify([WEATHER_TOOL]));
    const chat = startChat([
      "--backend",
      "ollama",
      "--url",
      server.url,
      "--model",
      "gpt-oss:20b",
      "--tools",
      tools,
    ]);

    const banner = await chat.waitFor(atPrompt, "the first prompt");
    expect(banner).toContain(`gpt-oss on ollama (${server.url}), effort medium.`);

    chat.type("What's the weather in Florence,Italy?");
    await chat.waitFor((s) => lastLine(s) === "tool weather result›", "the tool-result prompt", 60_000);
    const withCall = chat.screen(true);
    expect(lineWith(withCall, "We need to call weather function")).toContain(DIM);
    const callLine = lineWith(withCall, "→ weather(");
    expect(callLine).toContain('→ weather({"location":"Florence, Italy"})');
    expect(callLine).not.toContain(DIM);

    chat.type("40 C");
    const answered = await chat.waitFor((s) => s.includes("let me know!") && atPrompt(s), "the answer");
    expect(answered).toContain("tool weather result› 40 C");
    const styled = chat.screen(true);
    expect(lineWith(styled, "The function returned")).toContain(DIM);
    expect(lineWith(styled, "Mostly sunny with a light breeze.")).not.toContain(DIM);
    const continuation = server.requests[2]?.json as { messages: unknown[] } | undefined;
    expect(continuation?.messages.at(-1)).toEqual({
      role: "tool",
      content: "40 C",
      tool_name: "weather",
    });
    expect((server.requests[1]?.json as { think?: string } | undefined)?.think).toBe("medium");

    chat.type("/effort high");
    await chat.waitFor(
      (s) => s.includes("effort: high from the next turn") && atPrompt(s),
      "/effort's answer",
    );
    server.add(route(thinking, 0));
    chat.type("Say hi in Portuguese");
    await chat.waitFor((s) => s.includes("Olá!") && atPrompt(s), "the second answer");
    const third = server.requests[3]?.json as
      | { think: string; messages: Array<{ role: string }> }
      | undefined;
    expect(third?.think).toBe("high");
    // The first turn went along: user, its assistant run (call), tool, assistant (answer), then the new question.
    expect(third?.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "user"]);

    // Slow enough that the interrupt lands mid-stream; the connection is held open after the last line.
    server.add(route(thinking, 0, { delayMs: 400, hold: true }));
    chat.type("And in French?");
    await chat.waitFor((s) => s.split("We must").length > 2, "the interrupted turn's reasoning");
    chat.key("C-c");
    await chat.waitFor(
      (s) => s.includes("interrupted; this turn is not kept") && atPrompt(s),
      "the interrupt",
    );
    expect((await server.settled(4)).closedEarly).toBe(true);
    chat.type("/stats");
    await chat.waitFor((s) => /history: 9 messages, effort high/.test(s), "/stats after the interrupt");

    chat.key("C-d");
    await chat.waitFor((s) => s.includes("[exit 0]"), "the exit");
    expect(server.problems).toEqual([]);
  }, 240_000);
});

describe("overtone chat in a terminal, on the embedded engine", () => {
  it("answers turns from the tiny model, keeps history until /reset, leaves on /exit", async () => {
    const model = await tinyModelPath();
    const chat = startChat(["--model", model, "--threads", "1", "--max-tokens", "4"]);
    // The prompt comes up while the model loads in the background (issue 15); the first turn waits for it.
    const banner = await chat.waitFor(atPrompt, "the first prompt", 180_000);
    expect(banner).toContain("loading the model: type your first message");

    const promptTokens = async (after: number) => {
      chat.type("/stats");
      const screen = await chat.waitFor(
        (s) => (s.match(/last request: (\d+) prompt tokens/g) ?? []).length > after && atPrompt(s),
        "/stats",
      );
      const all = [...screen.matchAll(/last request: (\d+) prompt tokens, (\d+) output tokens/g)];
      return { prompt: Number(all.at(-1)?.[1]), output: Number(all.at(-1)?.[2]) };
    };
    /** Turns answered: the prompt came back after the n-th "hello" (it returns only when a turn ends). */
    const turnsDone = (s: string) => (atPrompt(s) ? s.split("› hello").length - 1 : 0);

    chat.type("hello");
    await chat.waitFor((s) => turnsDone(s) === 1, "turn 1", 120_000);
    const first = await promptTokens(0);
    expect(first.output).toBe(4);

    chat.type("hello");
    await chat.waitFor((s) => turnsDone(s) === 2, "turn 2", 120_000);
    const second = await promptTokens(1);
    // The first turn is in the prompt now.
    expect(second.prompt).toBeGreaterThan(first.prompt);

    chat.type("/reset");
    await chat.waitFor((s) => s.includes("conversation cleared") && atPrompt(s), "/reset");
    chat.type("hello");
    await chat.waitFor((s) => turnsDone(s) === 3, "turn 3", 120_000);
    const third = await promptTokens(2);
    expect(third.prompt).toBe(first.prompt);

    chat.type("/exit");
    await chat.waitFor((s) => s.includes("[exit 0]"), "the exit", 60_000);
  }, 420_000);
});
