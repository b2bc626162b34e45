import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodeWithSpecialTokens } from "../../packages/harmony/src/tokenizer.js";
import { runCli } from "./run-cli.js";

const fixture = (name: string) => new URL(`../fixtures/harmony/${name}`, import.meta.url).pathname;
const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;
const vector = (name: string) => readFileSync(fixture(name), "utf8").replace(/\r\n/g, "\n").trimEnd();

const simpleConvo = JSON.stringify({
  messages: [
    {
      role: "system",
      content: [
        {
          type: "system_content",
          model_identity: "You are ChatGPT, a large language model trained by OpenAI.",
          reasoning_effort: "Medium",
          knowledge_cutoff: "2024-06",
          channel_config: { valid_channels: ["analysis", "commentary", "final"], channel_required: true },
        },
      ],
    },
    { role: "user", content: "What is 2 + 2?" },
  ],
});

describe("overtone harmony render", () => {
  it("writes exactly upstream's rendering, nothing added", () => {
    const result = runCli(["harmony", "render", "-"], simpleConvo);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(vector("test_simple_convo.txt"));
  });

  it("writes token ids separated by single spaces and one newline", () => {
    const result = runCli(["harmony", "render", "--format", "tokens"], simpleConvo);
    expect(result.stdout).toBe(`${encodeWithSpecialTokens(vector("test_simple_convo.txt")).join(" ")}\n`);
  });

  it("keeps analysis before a final with --no-auto-drop-analysis, drops it by default", () => {
    const conv = JSON.stringify([
      { role: "user", content: "What is 2 + 2?" },
      { role: "assistant", channel: "analysis", content: "thinking 2+2" },
      { role: "assistant", channel: "final", content: "4" },
      { role: "user", content: "What is 3 + 5?" },
    ]);
    expect(runCli(["harmony", "render"], conv).stdout).not.toContain("thinking 2+2");
    expect(runCli(["harmony", "render", "--no-auto-drop-analysis"], conv).stdout).toContain("thinking 2+2");
  });

  it("renders the README's main-job example", () => {
    const result = runCli(["harmony", "render", example("weather.json")]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json",
    );
    expect(result.stdout.endsWith("<|start|>assistant")).toBe(true);
  });

  it.each([
    ["invalid JSON", "{bad", /stdin: invalid JSON/],
    ["an unknown role", '{"messages":[{"role":"bogus","content":"x"}]}', /messages\[0\]\.role: unknown role/],
  ])("rejects %s with one line and a non-zero exit", (_name, input, pattern) => {
    const result = runCli(["harmony", "render"], input);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  });

  it("with --debug, adds the stack and the error it wraps (the JSON parser's) as a cause: line", () => {
    const result = runCli(["harmony", "render", "--debug"], "{bad");
    expect(result.status).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^overtone: stdin: invalid JSON/);
    expect(lines[1]).toMatch(/^InputError: stdin: invalid JSON/);
    expect(lines[2]).toMatch(/^\s+at /);
    const cause = lines.findIndex((line) => line.startsWith("cause: "));
    expect(lines[cause]).toMatch(/^cause: SyntaxError: .*JSON/);
    expect(lines[cause + 1]).toMatch(/^\s+at .*JSON\.parse/);
  });
});

describe("overtone harmony parse", () => {
  it("parses upstream's tool-call completion ids into serde-shaped messages", () => {
    const result = runCli(["harmony", "parse", fixture("test_simple_tool_call.txt")]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        role: "assistant",
        content: 'User asks: "What is the weather in Tokyo?" We need to use lookup_weather tool.',
        channel: "analysis",
      },
      {
        role: "assistant",
        recipient: "lookup_weather",
        content: '{"location": "Tokyo"}',
        channel: "analysis",
        content_type: "code",
      },
    ]);
  });

  it("parses text and streams parts ending in finish", () => {
    const result = runCli(["harmony", "parse", "--from", "text", "--stream", example("completion.txt")]);
    const parts = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(parts.map((p) => p.type).join(" ")).toMatch(
      /^analysis-start (analysis-delta )+analysis-end final-start (final-delta )+final-end finish$/,
    );
    const finalText = parts.filter((p) => p.type === "final-delta").map((p) => p.delta);
    expect(finalText.join("")).toBe("It is 18 °C and sunny in Paris.");
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
  });

  it("rejects an unknown token id, saying which", () => {
    const result = runCli(["harmony", "parse"], "200005 17196 200008 19 300000");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/token 5: unknown token id 300000/);
  });

  it("rejects a malformed header in strict mode and recovers with --lenient", () => {
    const text = "I must refuse<|end|><|start|>assistant<|channel|>final<|message|>Sorry.<|return|>";
    const strict = runCli(["harmony", "parse", "--from", "text"], text);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/unexpected tokens remaining in message header/);
    const lenient = runCli(["harmony", "parse", "--from", "text", "--lenient"], text);
    expect(JSON.parse(lenient.stdout)).toEqual([
      { role: "assistant", content: "I must refuse" },
      { role: "assistant", content: "Sorry.", channel: "final" },
    ]);
  });
});
