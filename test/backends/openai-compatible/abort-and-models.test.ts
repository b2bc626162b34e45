/** Abort against a replayed stream that stays open (031), and model listing (036's documented /props). */

import { ConfigError } from "@overtone/errors";
import type { FinishPart, Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { serverRoot } from "../../../packages/overtone/src/backends/openai-compatible/backend.js";
import { modelsFromAnswer } from "../../../packages/overtone/src/backends/openai-compatible/models.js";
import { bodyText, loadWireFixture } from "../../replay/wire-fixture.js";
import { openai, portugueseGreeting, recorded, replay } from "./openai-replay.js";

describe("abort", () => {
  it("ends with finish: aborted and hangs up on the server, which sees the connection close early", async () => {
    const server = await replay(
      recorded("031-llamaserver-v1-chat-stream.txt", 0, { hold: true, delayMs: 5 }),
    );
    const controller = new AbortController();
    const parts: Part[] = [];
    for await (const part of openai(server).stream({
      conversation: portugueseGreeting(),
      route: "chat",
      signal: controller.signal,
    })) {
      parts.push(part);
      if (parts.filter((p) => p.type === "analysis-delta").length === 3) controller.abort();
    }
    const finish = parts.at(-1) as FinishPart;
    expect(finish).toMatchObject({ type: "finish", reason: "aborted" });
    // the open analysis message is closed as cut off
    expect(parts.find((p) => p.type === "analysis-end")).toMatchObject({ terminator: "eos" });
    const received = await server.settled(0);
    expect(received.closedEarly).toBe(true);
    expect(received.chunksWritten).toBeLessThan(20);
  });

  it("a consumer that stops reading (break) also closes the connection", async () => {
    const server = await replay(
      recorded("031-llamaserver-v1-chat-stream.txt", 0, { hold: true, delayMs: 5 }),
    );
    for await (const part of openai(server).stream({ conversation: portugueseGreeting(), route: "chat" })) {
      if (part.type === "analysis-delta") break;
    }
    const received = await server.settled(0);
    expect(received.closedEarly).toBe(true);
  });

  it("an abort before the answer arrives ends the stream at once", async () => {
    const server = await replay(
      recorded("031-llamaserver-v1-chat-stream.txt", 0, { delayMs: 10_000, hold: true }),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const parts: Part[] = [];
    for await (const part of openai(server).stream({
      conversation: portugueseGreeting(),
      route: "chat",
      signal: controller.signal,
    })) {
      parts.push(part);
    }
    // At once, without a clock: the stream ended before the server wrote its first chunk (due after 10 s),
    // and it ended by hanging up.
    expect(server.requests[0]?.chunksWritten).toBe(0);
    expect(parts).toEqual([expect.objectContaining({ type: "finish", reason: "aborted" })]);
    expect((await server.settled(0)).closedEarly).toBe(true);
  });
});

describe("listModels", () => {
  it("classifies the chat template llama-server's /props shows (036, documentation sample)", () => {
    const props = JSON.parse(
      bodyText(loadWireFixture("036-llamaserver-docs-props.txt").exchanges[0]?.responses[0]?.body ?? ""),
    );
    const models = modelsFromAnswer(
      {
        object: "list",
        data: [
          { id: "../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", object: "model", owned_by: "llamacpp" },
        ],
      },
      props,
    );
    expect(models).toEqual([
      expect.objectContaining({
        id: "../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
        gptOss: false,
        // the documentation prints "..." for the template: not Harmony, not ChatML
        template: "other",
        contextLength: 1024,
      }),
    ]);
  });
});

describe("baseURL", () => {
  it("accepts the server root with or without /v1 and refuses what is not an http URL", () => {
    expect(serverRoot("http://127.0.0.1:8000")).toBe("http://127.0.0.1:8000");
    expect(serverRoot("http://127.0.0.1:8000/v1/")).toBe("http://127.0.0.1:8000");
    expect(serverRoot("https://host/proxy/v1")).toBe("https://host/proxy");
    expect(() => serverRoot("localhost:8000")).toThrow(ConfigError);
    expect(() => serverRoot("not a url")).toThrow(/not a URL/);
  });
});
