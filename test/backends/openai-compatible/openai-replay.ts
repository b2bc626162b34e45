/**
 * Shared set-up for the OpenAI-compatible backend tests: a replay server per test fed from the recorded (and
 * derived) exchanges in test/fixtures/wire/ (020–037 vLLM and llama-server, 040 LM Studio, 13x derived),
 * closed after each test with its list of problems asserted empty, and a backend pointed at it.
 */
import { afterEach, expect } from "vitest";
import {
  createOpenAICompatible,
  type OpenAICompatibleOptions,
} from "../../../src/backends/openai-compatible/index.js";
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

/** The JSON body of the recorded request of exchange `index`. */
export function recordedRequest(file: string, index = 0): Record<string, unknown> {
  const body = loadWireFixture(file).exchanges[index]?.request?.body;
  if (body === undefined) throw new Error(`${file} has no request ${index}`);
  return JSON.parse(body) as Record<string, unknown>;
}

export function openai(server: ReplayServer, options: Partial<OpenAICompatibleOptions> = {}) {
  return createOpenAICompatible({
    baseURL: server.url,
    flavor: "llama-server",
    model: "openai/gpt-oss-20b",
    ...options,
  });
}

export async function partsOf(stream: AsyncIterable<Part>): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

export function textOf(parts: Part[], kind: "analysis" | "final" | "tool-call"): string {
  return parts.map((p) => (p.type === `${kind}-delta` && "delta" in p ? p.delta : "")).join("");
}

/** Part types without the deltas: the shape of a stream. */
export function shapeOf(parts: Part[]): string[] {
  return parts.map((p) => p.type).filter((t) => !t.endsWith("-delta"));
}

/** The conversation the recorded client (charmbracelet/fantasy) sent in fixtures 030–034. */
export function portugueseGreeting(): Conversation {
  return conversation([
    systemMessage(systemContent()),
    developerMessage(developerContent({ instructions: "You are a helpful assistant" })),
    message("user", "Say hi in Portuguese"),
  ]);
}

export function weatherQuestion(city = "Florence,Italy"): Conversation {
  return conversation([
    systemMessage(systemContent()),
    developerMessage(developerContent({ instructions: "You are a helpful assistant" })),
    message("user", `What's the weather in ${city}?`),
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
