/**
 * `overtone assist serve --model toy --port 0` through the built CLI, offline, as a user starts it: it loads the
 * model, prints `listening on http://127.0.0.1:PORT` as its one line on stdout, answers /api/status and a
 * brainstorm, refuses a dangerous command, logs requests and generations on stderr as JSON lines without the
 * reasoning's text, and stops on SIGTERM. Flags that do not apply are refused with the flag named.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { toyModelPath } from "../support/toy-model.js";

const bin = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));

let child: ChildProcess;
let base: string;
let stdout = "";
let stderr = "";
let env: Record<string, string>;

beforeAll(async () => {
  const toy = await toyModelPath();
  // The toy model's cache is the test cache; `--model toy` must find it there, offline.
  env = { OVERTONE_CACHE: toy.slice(0, toy.lastIndexOf("/models/")), OVERTONE_OFFLINE: "1" };
  child = spawn(
    process.execPath,
    [
      bin,
      "assist",
      "serve",
      "--model",
      "toy",
      "--port",
      "0",
      "--threads",
      "1",
      "--seed",
      "3",
      "--max-tokens",
      "300",
    ],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on("exit", (code) =>
      reject(new Error(`assist serve exited with ${code} before listening: ${stderr}`)),
    );
  });
}, 120_000);
afterAll(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
});

describe("overtone assist serve --model toy --port 0", () => {
  it("prints the listening line and answers /api/status", async () => {
    expect(stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const status = (await (await fetch(`${base}/api/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ model: "toy", backend: "embedded", ready: true });
  });

  it("brainstorms exactly n ideas and refuses a dangerous command", async () => {
    const reply = await fetch(`${base}/api/ideas/brainstorm`, {
      method: "POST",
      body: JSON.stringify({ topic: "quiet fans", n: 3, creativity: 2 }),
    });
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { ideas: string[] }).ideas).toHaveLength(3);
    const refusal = await fetch(`${base}/api/execute`, {
      method: "POST",
      body: JSON.stringify({ command: "sudo rm -rf /" }),
    });
    expect(await refusal.json()).toMatchObject({
      executed: false,
      reason: expect.stringContaining('"sudo"'),
    });
  });

  it("logs requests and generations as JSON lines, the reasoning only as a length", () => {
    const entries = stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({ event: "request", path: "/api/status", status: 200 }),
    );
    const generation = entries.find((entry) => entry.event === "generation");
    expect(generation).toMatchObject({ task: "brainstorm", reasoningChars: expect.any(Number) });
    expect(Object.keys(generation ?? {})).not.toContain("reasoning");
  });

  it("stops on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("refuses --system and a bad --route, naming the flag", () => {
    const system = runCli(["assist", "serve", "--model", "toy", "--system", "be nice"], undefined, env);
    expect(system.status).toBe(1);
    expect(system.stderr).toContain("--system does not apply to assist serve");
    const route = runCli(["assist", "serve", "--model", "toy", "--route", "sideways"], undefined, env);
    expect(route.status).toBe(1);
    expect(route.stderr).toContain("--route");
  });
});
