/**
 * Issue 13, "backend errors in library words": what `overtone run --backend ollama|openai` says when the server is
 * not there, is something else, or the URL cannot be used — through the built CLI, against real local sockets.
 * Each message must say what happened, where, and the next step in the CLI's terms (`--model`, `--url`,
 * `ollama serve`), on one line, with the server's page kept for `--debug` only.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliAsync } from "./run-cli.js";

/** Runs the CLI without blocking this process, which serves the HTTP the CLI talks to. */
const cli = (args: readonly string[]) => runCliAsync(args);

const PAGE = `<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body>${"<p>filler</p>".repeat(200)}</body></html>`;
let web: Server;
let webOrigin: string;
let closedPort: number;

beforeAll(async () => {
  // A web server that is not an API: every path is an HTML page (404), like a dashboard or proxy on that port.
  web = createServer((_req, res) => {
    res.writeHead(404, { "content-type": "text/html" }).end(PAGE);
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => web.close(() => resolve())));

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

describe("overtone run with a server backend: failures in the CLI's words", () => {
  it("--backend ollama without --model asks for --model, not createOllama({ model })", async () => {
    const { status, stderr } = await cli(["run", "--backend", "ollama", "hi"]);
    expect(status).toBe(1);
    const line = oneLine(stderr);
    expect(line).toMatch(/^overtone: --backend ollama needs --model/);
    expect(line).toContain("--model gpt-oss:20b");
    expect(line).not.toContain("createOllama");
  });

  it("nothing listening where Ollama should be: says so and how to start it", async () => {
    const url = `http://127.0.0.1:${closedPort}`;
    const { status, stderr } = await cli(["run", "--backend", "ollama", "--model", "m", "--url", url, "hi"]);
    expect(status).toBe(1);
    const line = oneLine(stderr);
    expect(line).toContain(`nothing is listening at ${url}: Ollama is not running there`);
    expect(line).toContain("ollama serve");
    expect(line).toContain("--url");
  });

  it("nothing listening where an OpenAI-compatible server should be: names vLLM and llama-server", async () => {
    const url = `http://127.0.0.1:${closedPort}/v1`;
    const { status, stderr } = await cli(["run", "--backend", "openai", "--url", url, "hi"]);
    expect(status).toBe(1);
    const line = oneLine(stderr);
    expect(line).toContain(`nothing is listening at http://127.0.0.1:${closedPort}`);
    expect(line).toMatch(/vLLM/);
    expect(line).toMatch(/llama-server/);
  });

  for (const backend of ["ollama", "openai"]) {
    it(`a web page instead of ${backend}'s API: server, status and page title on one line; the page under --debug`, async () => {
      const url = backend === "ollama" ? webOrigin : `${webOrigin}/v1`;
      const args = ["run", "--backend", backend, "--model", "m", "--url", url, "hi"];
      const { status, stderr } = await cli(args);
      expect(status).toBe(1);
      const line = oneLine(stderr);
      expect(line).toContain(webOrigin);
      expect(line).toContain("404");
      expect(line).toContain('an HTML page ("Welcome to nginx!")');
      expect(line).toContain("check --url");
      expect(line).not.toContain("<");
      expect(line).not.toMatch(/ollama pull/);
      const debug = await cli(["--debug", ...args]);
      expect(debug.stderr).toContain("body: <!DOCTYPE html>");
    });
  }

  it("a port fetch refuses (6000) or that cannot exist (99999): the URL is named as unusable, not 'fetch failed'", async () => {
    const blocked = await cli(["run", "--backend", "openai", "--url", "http://127.0.0.1:6000/v1", "hi"]);
    expect(blocked.status).toBe(1);
    expect(oneLine(blocked.stderr)).toMatch(
      /^overtone: --url http:\/\/127\.0\.0\.1:6000\/v1 cannot be used: bad port \(fetch refuses this port as unsafe/,
    );
    const invalid = await cli([
      "run",
      "--backend",
      "ollama",
      "--model",
      "m",
      "--url",
      "http://127.0.0.1:99999",
      "hi",
    ]);
    expect(invalid.status).toBe(1);
    expect(oneLine(invalid.stderr)).toMatch(/^overtone: --url http:\/\/127\.0\.0\.1:99999 cannot be used/);
    expect(invalid.stderr).not.toContain("fetch failed");
  });
});
