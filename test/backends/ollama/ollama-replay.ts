/**
 * Shared set-up for the Ollama backend tests: a replay server per test fed from the recorded (and derived)
 * exchanges in test/fixtures/wire/, closed after each test, and a backend pointed at it.
 */
import { afterEach, expect } from "vitest";
import { createOllama, type OllamaBackendOptions } from "../../../src/backends/ollama/index.js";
import {
  type Conversation,
  conversation,
  developerContent,
  developerMessage,
  message,
  type Part,
  systemContent,
  systemMessage,
} from "../../../src/harmony/index.js";
import {
  type ReplayRoute,
  type ReplayServer,
  routeFromExchange,
  startReplayServer,
} from "../../replay/replay-server.js";
import { loadWireFixture } from "../../replay/wire-fixture.js";

const servers: ReplayServer[] = [];

afterEach(async () => {
  const open = servers.splice(0);
  await Promise.all(open.map((s) => s.close()));
  for (const s of open) expect(s.problems).toEqual([]);
});

export async function replay(...routes: ReplayRoute[]): Promise<ReplayServer> {
  const server = await startReplayServer(routes);
  servers.push(server);
  return server;
}

/** A route answering like exchange `index` of a fixture file. */
export function recorded(
  file: string,
  index = 0,
  options: Parameters<typeof routeFromExchange>[1] = {},
): ReplayRoute {
  const exchange = loadWireFixture(file).exchanges[index];
  if (exchange === undefined) throw new Error(`${file} has no exchange ${index}`);
  return routeFromExchange(exchange, options);
}

export function ollama(server: ReplayServer, options: Partial<OllamaBackendOptions> = {}) {
  return createOllama({ baseURL: server.url, model: "gpt-oss:20b", ...options });
}

export async function partsOf(stream: AsyncIterable<Part>): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

export function textOf(parts: Part[], kind: "analysis" | "final"): string {
  return parts.map((p) => (p.type === `${kind}-delta` && "delta" in p ? p.delta : "")).join("");
}

/** The conversation the recorded client (charmbracelet/fantasy) sent in fixtures 001–004. */
export function portugueseGreeting(): Conversation {
  return conversation([
    systemMessage(systemContent()),
    developerMessage(developerContent({ instructions: "You are a helpful assistant" })),
    message("user", "Say hi in Portuguese"),
  ]);
}

export const WEATHER_TOOL = {
  name: "weather",
  description: "Get weather information for a location",
  parameters: {
    properties: { location: { description: "the city", type: "string" } },
    required: ["location"],
    type: "object",
  },
};
