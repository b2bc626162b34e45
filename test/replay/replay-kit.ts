/**
 * What every replay-based backend test needs: a replay server per test fed from the recorded (and derived)
 * exchanges in test/fixtures/wire/, closed after each test with its list of problems asserted empty; stream
 * helpers; and the conversations and tool of the recorded client (charmbracelet/fantasy).
 */

import {
  type Conversation,
  conversation,
  developerContent,
  developerMessage,
  message,
  type Part,
  systemContent,
  systemMessage,
} from "@overtone/harmony";
import { afterEach, expect } from "vitest";
import {
  type ReplayRoute,
  type ReplayServer,
  routeFromExchange,
  startReplayServer,
} from "./replay-server.js";
import { loadWireFixture } from "./wire-fixture.js";

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

export async function partsOf(stream: AsyncIterable<Part>): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

export function textOf(parts: Part[], kind: "analysis" | "final" | "tool-call"): string {
  return parts.map((p) => (p.type === `${kind}-delta` && "delta" in p ? p.delta : "")).join("");
}

function helpfulAssistant(question: string): Conversation {
  return conversation([
    systemMessage(systemContent()),
    developerMessage(developerContent({ instructions: "You are a helpful assistant" })),
    message("user", question),
  ]);
}

/** The conversation the recorded client sent in fixtures 001–004 and 030–034. */
export function portugueseGreeting(): Conversation {
  return helpfulAssistant("Say hi in Portuguese");
}

export function weatherQuestion(city = "Florence,Italy"): Conversation {
  return helpfulAssistant(`What's the weather in ${city}?`);
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
