/**
 * Issue 13: a tool call that names no tool (`<|channel|>commentary <|constrain|>json<|message|>{…}<|call|>`)
 * or names a tool that was not offered came out as a normal, empty stop: `run` printed an empty line and
 * exited 0. Through the built CLI: the parser's verdict on such output (`harmony parse --stream`, the same
 * parser → parts path the embedded engine streams through), and `run` against Ollama replayed from recorded
 * traffic, the model calling a function the tools file does not offer. The repair of a recipient-less call is
 * covered beside its code (packages/overtone/src/backends/tool-call-check.test.ts): the toy model no longer
 * makes such a call for any prompt tried, so no CLI run reproduces it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recorded, replay } from "../replay/replay-kit.js";
import { runCli, runCliAsync } from "./run-cli.js";

const work = mkdtempSync(join(tmpdir(), "overtone-malformed-call-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI without blocking this process (the replay server answers from it). */
const cli = (args: string[]) => runCliAsync(args);

const GET_WEATHER = {
  name: "get_weather",
  description: "Gets the current weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("a malformed tool call through the CLI", () => {
  it("a message ended by <|call|> without a recipient finishes as tool-calls with a notice, not stop", () => {
    const file = join(work, "no-recipient.txt");
    writeFileSync(
      file,
      '<|channel|>analysis<|message|>Call it.<|end|><|start|>assistant<|channel|>commentary <|constrain|>json<|message|>{"city":"Paris"}<|call|>',
    );
    const result = runCli(["harmony", "parse", "--from", "text", "--stream", file]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const parts = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parts.at(-2)).toMatchObject({ type: "commentary-end", terminator: "call" });
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: "finish", reason: "tool-calls" });
    expect(finish?.notice).toMatch(/^malformed tool call: .* with <\|call\|> but named no tool/);
  });

  it("run: a call to a tool the tools file does not offer is shown with a note naming the offered tools", async () => {
    const file = "003-ollama-api-chat-stream-toolcall.txt";
    const server = await replay(recorded("007-ollama-api-show-gptoss.txt"), recorded(file, 0));
    const tools = join(work, "tools.json");
    writeFileSync(tools, JSON.stringify([GET_WEATHER]));
    const result = await cli([
      "run",
      "--backend",
      "ollama",
      "--url",
      server.url,
      "--model",
      "gpt-oss:20b",
      "--tools",
      tools,
      "What's the weather in Florence,Italy?",
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('tool call: functions.weather {"location":"Florence, Italy"}\n');
    expect(result.stderr).toContain(
      "note: the model called functions.weather, which was not offered (offered: functions.get_weather)\n",
    );
  });
});
