/** Failures, never silent: error lines (008, 011), HTTP 500s (009, 010), cut-off streams, no server, abort. */

import { BackendError, ConfigError } from "@overtone/errors";
import type { ErrorPart, FinishPart, Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { startReplayServer } from "../../replay/replay-server.js";
import { bodyChunks, loadWireFixture } from "../../replay/wire-fixture.js";
import { ollama, partsOf, portugueseGreeting, recorded, replay } from "./ollama-replay.js";

function lastError(parts: Part[]): BackendError {
  const last = parts.at(-1) as ErrorPart;
  expect(last.type).toBe("error");
  expect(last.error).toBeInstanceOf(BackendError);
  return last.error as BackendError;
}

describe("Ollama failures", () => {
  it("an error line under the wrong key (Ollama 0.11.4) is an error part (008)", async () => {
    const server = await replay(
      recorded("008-ollama-api-chat-stream-error-line-wrongkey.txt", 0, { path: "/api/chat" }),
    );
    const error = lastError(
      await partsOf(ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" })),
    );
    expect(error.message).toContain(
      "error parsing tool call: invalid character 'c' looking for beginning of value",
    );
    expect(error.status).toBe(200);
    expect(error.retryable).toBe(true);
    expect(error.hint).toMatch(/retry/);
  });

  it("an error line after partial output ends the stream with an error part, parts before kept (011)", async () => {
    const server = await replay(
      recorded("011-ollama-docs-midstream-error.txt", 0, { path: "/api/generate" }),
    );
    const parts = await partsOf(ollama(server).stream({ conversation: portugueseGreeting(), route: "raw" }));
    const error = lastError(parts);
    expect(error.message).toContain("an error was encountered while running the model");
    expect(parts.filter((p) => p.type === "finish")).toEqual([]);
  });

  it("HTTP 500 with a tool-call parse error (body cut short as published) is a retryable error part (009)", async () => {
    const server = await replay(
      recorded("009-ollama-api-chat-500-toolcall-parse.txt", 0, { path: "/api/chat" }),
    );
    const parts = await partsOf(ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" }));
    expect(parts).toHaveLength(1);
    const error = lastError(parts);
    expect(error.status).toBe(500);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /^Ollama answered 500: error parsing tool call: raw='\{"input":"\*\*\* Begin Patch/,
    );
    expect(error.url).toBe(`${server.url}/api/chat`);
    expect(error.body).toContain("error parsing tool call");
  });

  it("the complete tool-call error body gives the whole message (010, status as in 009)", async () => {
    const server = await replay(
      recorded("010-ollama-api-chat-error-toolcall-parse-body.txt", 0, { path: "/api/chat", status: 500 }),
    );
    const error = lastError(
      await partsOf(ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" })),
    );
    expect(error.message).toBe(
      "Ollama answered 500: error parsing tool call: raw='ls -R\n', err=invalid character 'l' looking for beginning of value",
    );
  });

  it("a stream cut off before its done line is a retryable error, not a silent end (001 without its last line)", async () => {
    const chunks = bodyChunks(
      loadWireFixture("001-ollama-api-chat-stream-thinking.txt").exchanges[0]?.responses[0]?.body ?? "",
    );
    const server = await replay({
      path: "/api/chat",
      response: { status: 200, chunks: chunks.slice(0, -1) },
    });
    const parts = await partsOf(ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" }));
    const error = lastError(parts);
    expect(error.message).toMatch(/ended before its last line/);
    expect(error.retryable).toBe(true);
    expect(parts.some((p) => p.type === "final-delta")).toBe(true);
  });

  it("no server at the address: an error part naming the connection failure", async () => {
    const gone = await startReplayServer();
    await gone.close();
    const parts = await partsOf(ollama(gone).stream({ conversation: portugueseGreeting(), route: "chat" }));
    const error = lastError(parts);
    expect(error.network).toBe("ECONNREFUSED");
    expect(error.retryable).toBe(true);
  });

  it("no model named: a ConfigError part saying how to name one", async () => {
    const server = await replay();
    const parts = await partsOf(
      ollama(server, { model: undefined }).stream({ conversation: portugueseGreeting() }),
    );
    const last = parts.at(-1) as ErrorPart;
    expect(last.error).toBeInstanceOf(ConfigError);
    expect(server.requests).toEqual([]);
  });
});

describe("Ollama abort", () => {
  it("aborting mid-stream ends with finish: aborted and closes the connection", async () => {
    const server = await replay(
      recorded("001-ollama-api-chat-stream-thinking.txt", 0, { path: "/api/chat", hold: true, delayMs: 5 }),
    );
    const controller = new AbortController();
    const parts: Part[] = [];
    for await (const part of ollama(server).stream({
      conversation: portugueseGreeting(),
      route: "chat",
      signal: controller.signal,
    })) {
      parts.push(part);
      if (part.type === "analysis-delta" && parts.length === 3) controller.abort();
    }
    expect((parts.at(-1) as FinishPart).type).toBe("finish");
    expect((parts.at(-1) as FinishPart).reason).toBe("aborted");
    // The message in progress is closed (cut off) before the finish part: no start without an end.
    expect(parts.at(-2)?.type).toBe("analysis-end");
    const request = await server.settled(0);
    expect(request.closedEarly).toBe(true);
    expect(request.chunksWritten).toBeLessThan(28);
  });

  it("aborting the raw route mid-stream also ends with finish: aborted and closes the connection (103)", async () => {
    const server = await replay(
      recorded("103-ollama-derived-api-generate-raw-stream-stripped.txt", 0, {
        path: "/api/generate",
        hold: true,
        delayMs: 5,
      }),
    );
    const controller = new AbortController();
    const parts: Part[] = [];
    const request = { conversation: portugueseGreeting(), route: "raw" as const, signal: controller.signal };
    for await (const part of ollama(server).stream(request)) {
      parts.push(part);
      if (part.type === "analysis-delta") controller.abort();
    }
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "aborted" });
    expect((await server.settled(0)).closedEarly).toBe(true);
  });

  it("a consumer that stops reading cancels the request", async () => {
    const server = await replay(
      recorded("001-ollama-api-chat-stream-thinking.txt", 0, { path: "/api/chat", hold: true, delayMs: 5 }),
    );
    for await (const part of ollama(server).stream({ conversation: portugueseGreeting(), route: "chat" })) {
      if (part.type === "analysis-delta") break;
    }
    const request = await server.settled(0);
    expect(request.closedEarly).toBe(true);
  });

  it("aborting while auto looks the model up (a stalled /api/show) ends at once with finish: aborted", async () => {
    const server = await replay(recorded("007-ollama-api-show-gptoss.txt", 0, { hold: true }));
    const controller = new AbortController();
    const stream = ollama(server).stream({ conversation: portugueseGreeting(), signal: controller.signal });
    const parts = partsOf(stream);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await parts).toEqual([{ type: "finish", reason: "aborted" }]);
    expect(server.requests.map((r) => r.path)).toEqual(["/api/show"]);
  });

  it("a signal aborted before the answer starts gives finish: aborted alone", async () => {
    const server = await replay(
      recorded("001-ollama-api-chat-stream-thinking.txt", 0, { path: "/api/chat", hold: true }),
    );
    const controller = new AbortController();
    const stream = ollama(server).stream({
      conversation: portugueseGreeting(),
      route: "chat",
      signal: controller.signal,
    });
    controller.abort();
    expect(await partsOf(stream)).toEqual([{ type: "finish", reason: "aborted" }]);
  });
});
