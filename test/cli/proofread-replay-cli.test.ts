/**
 * `overtone proofread` on recorded real gpt-oss-20b traffic (issue 15, Must show: the output never contains
 * reasoning), replayed by a server in this process through the built CLI: Ollama's /api/chat thinking stream,
 * and llama-server's reasoning_content stream behind the OpenAI-compatible backend. The recording's reasoning
 * never reaches stdout (with --show-reasoning it is on stderr); its answer does, streamed.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LLAMA_SWAP } from "../replay/llama-swap.js";
import { recorded, replay } from "../replay/replay-kit.js";

const bin = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));

/** The CLI without blocking this process (the replay answers from it), counting stdout's separate writes. */
function proofreadAsync(args: string[], input: string) {
  return new Promise<{ status: number | null; stdout: string; stderr: string; writes: number }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let writes = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      writes++;
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("close", (status) => resolve({ status, stdout, stderr, writes }));
    child.stdin.end(input);
  });
}

describe("proofread on recorded gpt-oss-20b traffic", () => {
  it("Ollama (thinking stream): the reasoning stays out of stdout, the answer streams there", async () => {
    for (const show of [false, true]) {
      const server = await replay(
        recorded("007-ollama-api-show-gptoss.txt"),
        recorded("001-ollama-api-chat-stream-thinking.txt"),
      );
      const args = ["proofread", "--backend", "ollama", "--url", server.url, "--model", "gpt-oss:20b"];
      const result = await proofreadAsync(
        show ? [...args, "--show-reasoning"] : args,
        "Say hi in Portugese\n",
      );
      expect(result.status).toBe(0);
      expect(result.stdout).toBe("Olá!\n");
      expect(result.stdout).not.toMatch(/We must output/);
      if (show) expect(result.stderr).toContain("│ We must output a greeting in Portuguese");
      else expect(result.stderr).not.toMatch(/We must output/);
      // What was sent: the proofreading instructions in the developer (Ollama: system) message, the text as user.
      const body = server.requests[1]?.json as {
        messages: { role: string; content: string }[];
        think?: string;
      };
      expect(body.messages.at(-1)).toMatchObject({ role: "user", content: "Say hi in Portugese" });
      expect(JSON.stringify(body.messages)).toContain("Proofread the text");
      // The agent's effort for proofreading (low), not run's medium.
      expect(body).toMatchObject({ think: "low" });
    }
  });

  it("llama-server (reasoning_content stream) through --backend openai: only the content reaches stdout", async () => {
    const server = await replay(...LLAMA_SWAP, recorded("031-llamaserver-v1-chat-stream.txt"));
    const result = await proofreadAsync(
      ["proofread", "--backend", "openai", "--url", `${server.url}/v1`, "--model", "openai/gpt-oss-20b"],
      "Say hi in Portugese\n",
    );
    expect(result.stderr).not.toMatch(/overtone:/);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("Olá!\n");
    expect(result.stdout).not.toMatch(/The user|Say hi/);
    expect(result.writes).toBeGreaterThanOrEqual(2);
  });
});
