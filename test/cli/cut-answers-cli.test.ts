/**
 * Issue 13: answers cut or hidden without a word. `run` and `chat` on the toy model (greedy), through the built
 * CLI: a cut at `--max-tokens` is said on stderr in the CLI's words (never the library's `maxTokens`), stdout
 * keeps only the conversation, `run --reasoning` shows the analysis, and `--json` output is the parts alone.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TEST_MODEL_DIR } from "../support/tiny-models.js";
import { runCli } from "./run-cli.js";

// The cache the toy tests unpack into, so the model is unpacked once per machine.
const env = { OVERTONE_CACHE: join(TEST_MODEL_DIR, "toy-cache"), OVERTONE_OFFLINE: "1" };
const TOY = ["--model", "toy", "--temperature", "0", "--threads", "1"];
const QUESTION = "What is 12 + 7?";

describe("answers cut or hidden", () => {
  it("run: an answer cut at --max-tokens gets a note on stderr naming the flag, and exits 0", () => {
    const result = runCli(["run", ...TOY, "--max-tokens", "40", QUESTION], undefined, env);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^12 \+ 7 =/);
    expect(result.stdout).not.toMatch(/token limit/);
    expect(result.stderr).toContain("stopped at the token limit (--max-tokens 40): the answer is cut short");
    expect(result.stderr).not.toMatch(/maxTokens/);
  });

  it("run --reasoning shows the analysis behind the │ gutter (stdout is a pipe), then the answer", () => {
    const result = runCli(["run", ...TOY, "--reasoning", QUESTION], undefined, env);
    expect(result.stderr).not.toMatch(/overtone: /);
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^│ The user asks/);
    expect(lines.at(-2)).toMatch(/^12 \+ 7 = /);
    expect(result.stdout).not.toContain("\x1b");
  });

  it("run --json --reasoning: stdout is the parts, one JSON line each, and no note is added anywhere", () => {
    const result = runCli(
      ["run", ...TOY, "--json", "--reasoning", "--max-tokens", "40", QUESTION],
      undefined,
      env,
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    const parts = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; reason?: string });
    expect(parts[0]?.type).toBe("analysis-start");
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "length" });
  });

  it("chat from a pipe: the note goes to stderr in the CLI's words, stdout keeps the reasoning and answer", () => {
    const result = runCli(["chat", ...TOY, "--max-tokens", "5"], `${QUESTION}\n`, env);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^│ The user/);
    expect(result.stdout).not.toMatch(/token limit|note:/);
    expect(result.stderr).toContain(
      "stopped at the token limit (--max-tokens 5) while the model was still reasoning, before any answer; " +
        "raise --max-tokens or lower --effort",
    );
    expect(result.stderr).not.toMatch(/maxTokens/);
  });
});
