/**
 * `overtone chat` from a pipe (no terminal): each input line is a message, or a tool's result after a tool
 * call; the answers stream to stdout without prompts or colours, reasoning behind its gutter. Against Ollama
 * replayed from recorded traffic (test/replay), with the built CLI spawned as a user would run it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recorded, replay, WEATHER_TOOL } from "../replay/replay-kit.js";
import { runCliAsync } from "./run-cli.js";

const work = mkdtempSync(join(tmpdir(), "overtone-chat-pipe-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI without blocking this process (the replay server answers from it). */
const chat = (args: string[], input: string) => runCliAsync(["chat", ...args], input);

describe("overtone chat from a pipe", () => {
  it("takes a question and, after the tool call, the tool's result; prints the streamed turn plainly", async () => {
    const file = "003-ollama-api-chat-stream-toolcall.txt";
    const server = await replay(
      recorded("007-ollama-api-show-gptoss.txt"),
      recorded(file, 0),
      recorded(file, 1),
    );
    const tools = join(work, "tools.json");
    writeFileSync(tools, JSON.stringify([WEATHER_TOOL]));
    const result = await chat(
      ["--backend", "ollama", "--url", server.url, "--model", "gpt-oss:20b", "--tools", tools],
      "What's the weather in Florence,Italy?\n40 C\n",
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain("\x1b");
    expect(result.stdout).not.toContain("›");
    const out = result.stdout.split("\n");
    expect(out.slice(0, 3)).toEqual([
      '│ We need to call weather function with location "Florence, Italy".',
      '→ weather({"location":"Florence, Italy"})',
      '│ The function returned a simple value "40 C", presumably current temperature? Could also need ' +
        'interpretation. Provide answer: "It\'s currently about 40°C in Florence." Also mention occasional details maybe.',
    ]);
    expect(out[3]).toBe("**Florence, Italy (today)**  ");
    expect(result.stdout.endsWith("let me know!\n")).toBe(true);
  });

  it("exits 1 when a turn failed, after saying why on one line", async () => {
    const server = await replay(
      recorded("007-ollama-api-show-gptoss.txt"),
      recorded("009-ollama-api-chat-500-toolcall-parse.txt", 0, { path: "/api/chat" }),
    );
    const result = await chat(["--backend", "ollama", "--url", server.url, "--model", "gpt-oss:20b"], "Hi\n");
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^error: .*error parsing tool call.*\n$/);
  });

  it("rejects bad flags before reading anything, like run", async () => {
    const result = await chat(["--effort", "max"], "");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('overtone: --effort: unknown value "max" (use one of: low, medium, high)\n');
  });
});
