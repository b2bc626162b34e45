/**
 * A tiny real HTTP server speaking the OpenAI Chat Completions stream wire, to put behind Overtone's
 * openai-compatible backend for the gateway's fault and load tests: it streams given SSE frames (recorded ones,
 * wire/031, or made ones, `chatChunks`) at a given pace, can kill its socket in the middle of a stream, and
 * records whether the gateway's request closed before the answer was complete (how an abort is seen from the
 * upstream's side). `GET /v1/models` lists one model, `gpt-oss`, as vLLM would; every POST gets the stream.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Backend } from "../../packages/overtone/src/backends/contract.js";
import { createOpenAICompatible } from "../../packages/overtone/src/backends/index.js";
import { bodyChunks, loadWireFixture } from "../replay/wire-fixture.js";

export interface UpstreamAnswer {
  frames: readonly string[];
  /** Pause before each frame (ms), or before the frame at each index; default 0. */
  delayMs?: number | ((index: number) => number);
  /** Destroy the socket after writing this many frames. */
  cutAfter?: number;
}

export interface UpstreamRequest {
  body: unknown;
  /** The client (the gateway's backend) closed the connection before the whole answer was written. */
  closedEarly: boolean;
  /** Resolves when the exchange is over (answer written, socket cut, or the client gone). */
  settled: Promise<void>;
}

export interface ChatUpstream {
  url: string;
  requests: UpstreamRequest[];
  /** Overtone's openai-compatible backend on this server (flavor vllm: no model probe first). */
  backend(): Backend;
  close(): Promise<void>;
}

export async function chatUpstream(answer: (body: unknown) => UpstreamAnswer): Promise<ChatUpstream> {
  const requests: UpstreamRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (request, response) => {
    if (request.method === "GET" && request.url === "/v1/models") {
      // vLLM's shape, so that a backend with flavor `auto` (overtone serve --backend openai) takes it as vLLM.
      const models = { object: "list", data: [{ id: "gpt-oss", object: "model", owned_by: "vllm" }] };
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(models));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
    let settle = () => {};
    const record: UpstreamRequest = {
      body,
      closedEarly: false,
      settled: new Promise<void>((resolve) => (settle = resolve)),
    };
    requests.push(record);
    response.on("close", () => {
      if (!response.writableFinished) record.closedEarly = true;
      settle();
    });
    await write(response, answer(body));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    backend: () => createOpenAICompatible({ baseURL: `${url}/v1`, flavor: "vllm" }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function write(response: ServerResponse, answer: UpstreamAnswer): Promise<void> {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  response.flushHeaders();
  let written = 0;
  for (const frame of answer.frames) {
    if (answer.cutAfter !== undefined && written >= answer.cutAfter) {
      response.socket?.destroy();
      return;
    }
    const delay = typeof answer.delayMs === "function" ? answer.delayMs(written) : (answer.delayMs ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (response.destroyed) return;
    if (!response.write(frame)) await new Promise((resolve) => response.once("drain", resolve));
    written += 1;
  }
  response.end();
}

/** wire/031: llama-server streaming gpt-oss-20b's reasoning and answer ("Olá!"), ending with usage and [DONE]. */
export function recordedChatFrames(): string[] {
  const fixture = loadWireFixture("031-llamaserver-v1-chat-stream.txt");
  const body = fixture.exchanges[0]?.responses[0]?.body;
  if (body === undefined) throw new Error("wire/031 has no response body");
  return bodyChunks(body);
}

/** A made-up Chat Completions stream: role, `reasoning` pieces, `content` pieces, finish, usage, [DONE]. */
export function chatChunks(reasoning: readonly string[], content: readonly string[]): string[] {
  const envelope = {
    id: "chatcmpl-up",
    object: "chat.completion.chunk",
    created: 1762855698,
    model: "gpt-oss",
  };
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...envelope, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [
    chunk({ role: "assistant", content: null }),
    ...reasoning.map((piece) => chunk({ reasoning: piece })),
    ...content.map((piece) => chunk({ content: piece })),
    chunk({}, "stop"),
    `data: ${JSON.stringify({
      ...envelope,
      choices: [],
      usage: { prompt_tokens: 20, completion_tokens: reasoning.length + content.length, total_tokens: 40 },
    })}\n\n`,
    "data: [DONE]\n\n",
  ];
}
