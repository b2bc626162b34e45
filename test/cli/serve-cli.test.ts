/**
 * `overtone serve --model toy` through the built CLI, offline, as issue 14 names it: it loads the model, prints
 * `listening on http://HOST:PORT` on stdout once ready (`--port 0` picks a free port), serves the model under the
 * name it was given on both APIs, logs each request as a JSON line with its id on stderr, and stops on SIGTERM.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toyModelPath } from "../support/toy-model.js";
import { startServe } from "./serve-process.js";

let child: ChildProcess;
let base: string;
let stderr: () => string;

beforeAll(async () => {
  const toy = await toyModelPath();
  // The toy model's cache is the test cache; `--model toy` must find it there, offline.
  const cache = toy.slice(0, toy.lastIndexOf("/models/"));
  const serve = await startServe(["--model", "toy"], { OVERTONE_CACHE: cache, OVERTONE_OFFLINE: "1" });
  child = serve.child;
  base = serve.base;
  stderr = serve.stderr;
}, 120_000);

/** The access-log line of a request: written when its reply ends, so it may reach stderr just after the reply. */
async function logLine(requestId: string): Promise<string | undefined> {
  for (let tries = 0; tries < 100; tries++) {
    const line = stderr()
      .split("\n")
      .find((l) => l.includes(`"${requestId}"`));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
});

describe("overtone serve --model toy", () => {
  it("serves the model as `toy` on /v1/models and /api/tags", async () => {
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(["toy"]);
    const tags = (await (await fetch(`${base}/api/tags`)).json()) as {
      models: { name: string; model: string }[];
    };
    expect(tags.models.map((m) => [m.name, m.model])).toEqual([["toy", "toy"]]);
  });

  it("answers a chat completion and logs it as a JSON line with the request id", async () => {
    const reply = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "serve-cli-1" },
      body: JSON.stringify({
        model: "toy",
        messages: [{ role: "user", content: "What is 12 + 7?" }],
        max_tokens: 64,
      }),
    });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { model: string; choices: { finish_reason: string }[] };
    expect(body.model).toBe("toy");
    expect(["stop", "length"]).toContain(body.choices[0]?.finish_reason);
    const line = await logLine("serve-cli-1");
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      request_id: "serve-cli-1",
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      model: "toy",
    });
  });

  it("stops on SIGTERM with exit code 0", async () => {
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
